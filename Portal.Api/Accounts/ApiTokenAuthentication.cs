using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portal.Api.Common;

namespace Portal.Api.Accounts;

/// <summary>`Authorization: Bearer &lt;token&gt;` for the API: the request acts as the token's owner.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (presented.Length == 0)
            return AuthenticateResult.Fail("The bearer token is empty.");

        var tokens = Context.RequestServices.GetRequiredService<ApiTokenService>();
        var token = await tokens.AuthenticateAsync(presented, Context.RequestAborted);
        if (token is null)
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");

        // The caller was read with the token: Caller.BindAsync takes it from here instead of querying again.
        Context.Items[typeof(Caller)] = token.Caller;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, token.UserId.ToString()), new Claim(ApiTokenClaims.TokenId, token.TokenId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        BearerChallenge.WriteAsync(Context, Localized<ApiTokenText>.Get("UnauthorizedTitle"), Localized<ApiTokenText>.Get("UnauthorizedDetail"));
}
