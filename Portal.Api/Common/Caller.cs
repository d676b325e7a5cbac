using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Api.Common;

/// <summary>
/// The signed-in person a service acts for, with the roles that authorisation decisions need.
/// UI and API resolve it the same way, so both get the same answers.
/// </summary>
public sealed record Caller(Guid UserId, string Name, bool IsConsortiumAdmin, IReadOnlyDictionary<Guid, MemberRole> Roles)
{
    public AuditActor Actor => new(UserId, Name);

    /// <summary>
    /// The personal API token the request presented; null for a signed-in (cookie) session. Tokens made with it
    /// are bound to it: they expire no later and are revoked with it.
    /// </summary>
    public Guid? ApiTokenId { get; init; }

    public bool IsMemberOf(Guid organizationId) => Roles.ContainsKey(organizationId);

    public bool IsAdminOf(Guid organizationId) =>
        IsConsortiumAdmin || (Roles.TryGetValue(organizationId, out var role) && role == MemberRole.Admin);

    /// <summary>
    /// Minimal API binding: endpoints take a <see cref="Caller"/> parameter. An API token's caller was read with the token
    /// (ApiTokenAuthenticationHandler); a cookie session's is read here.
    /// </summary>
    public static async ValueTask<Caller?> BindAsync(HttpContext context) =>
        context.Items.TryGetValue(typeof(Caller), out var read) && read is Caller caller
            && context.User.FindFirstValue(ClaimTypes.NameIdentifier) == caller.UserId.ToString()
            ? caller
            : await context.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(context.User, context.RequestAborted);
}

public sealed class CallerResolver(PortalDbContext db)
{
    public async Task<Caller?> ResolveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!Guid.TryParse(id, out var userId) || await ResolveAsync(userId, cancellationToken) is not { } caller)
            return null;
        return Guid.TryParse(principal.FindFirstValue(ApiTokenClaims.TokenId), out var tokenId) ? caller with { ApiTokenId = tokenId } : caller;
    }

    public async Task<Caller?> ResolveAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.Id,
                Name = u.DisplayName != "" ? u.DisplayName : u.UserName!,
                u.IsConsortiumAdmin,
                Roles = u.Memberships.Select(m => new { m.OrganizationId, m.Role }).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null
            ? null
            : new Caller(user.Id, user.Name, user.IsConsortiumAdmin, user.Roles.ToDictionary(r => r.OrganizationId, r => r.Role));
    }
}

/// <summary>The claim the API token scheme adds: which token authenticated the request.</summary>
public static class ApiTokenClaims
{
    public const string TokenId = "portal:api_token_id";
}
