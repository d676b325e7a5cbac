using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portal.Api.Accounts;

namespace Portal.Api.Common;

/// <summary>
/// Opens a GET to anonymous readers (DESIGN.md "Public by default, private by choice"): everything else under /api/v1 needs a
/// token. The handler takes a <c>Caller?</c> (null when anonymous) and reads through the visibility rules with it. The API
/// token scheme still runs (the authorization middleware authenticates before it honours AllowAnonymous), so a token's owner
/// still reads as themselves and sees their private records.
/// </summary>
public static class PublicRead
{
    public static RouteHandlerBuilder OpenToAnonymous(this RouteHandlerBuilder endpoint) =>
        endpoint.AllowAnonymous().AddEndpointFilter(async (context, next) =>
        {
            // A request that presents credentials which do not authenticate (an expired or revoked token, another scheme) is
            // answered 401 as everywhere else, rather than quietly read as anonymous: a script learns its token is bad.
            var http = context.HttpContext;
            if (http.Request.Headers.Authorization.Count > 0 && http.User.Identity?.IsAuthenticated != true)
                return TypedResults.Challenge(authenticationSchemes: [ApiTokenAuthenticationHandler.SchemeName]);
            return await next(context);
        });
}
