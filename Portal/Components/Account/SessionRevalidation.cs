using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Accounts;

namespace Portal.Components.Account;

/// <summary>
/// An interactive page's circuit keeps the user it started with; the cookie's check never sees it again. This checks the
/// account's security stamp every minute, so signing out (or changing the password) elsewhere ends open pages too.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsCurrentAsync(authenticationState.User);

    /// <summary>Whether the principal's account still exists and carries the security stamp the principal was issued with.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null)
            return false;
        var issued = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return issued is not null && issued == await users.GetSecurityStampAsync(user);
    }
}
