using Microsoft.AspNetCore.Builder;

namespace Portal.Api.Common;

/// <summary>
/// Opens a GET to anonymous readers (DESIGN.md "Public by default, private by choice"): everything else under /api/v1 needs a
/// token. The handler takes a <c>Caller?</c> (null when anonymous) and reads through the visibility rules with it. The API
/// token scheme still runs (the authorization middleware authenticates before it honours AllowAnonymous), so a token's owner
/// still reads as themselves and sees their private records.
/// </summary>
public static class PublicRead
{
    public static RouteHandlerBuilder OpenToAnonymous(this RouteHandlerBuilder endpoint) => endpoint.AllowAnonymous();
}
