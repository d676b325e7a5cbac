using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portal.Api.Accounts;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Api.Agents;

/// <summary>The agent a request acts for; agent endpoints take it as a parameter.</summary>
/// <param name="Consortium">The agent belongs to the consortium itself: its results are verified, and it may run private tests.</param>
/// <param name="PublicKey">The agent's registered Ed25519 key, if it has one (then each completion must be signed with it); read
/// with the token, so that a completion needs no query of its own to know it.</param>
public sealed record AgentIdentity(Guid AgentId, Guid OrganizationId, bool Consortium, string? PublicKey = null)
{
    private const string AgentClaim = "portal:agent";
    private const string OrganizationClaim = "portal:agent-organization";
    private const string ConsortiumClaim = "portal:agent-consortium";
    private const string PublicKeyClaim = "portal:agent-public-key";

    public ClaimsPrincipal ToPrincipal(string scheme) => new(new ClaimsIdentity(
    [
        new Claim(AgentClaim, AgentId.ToString()),
        new Claim(OrganizationClaim, OrganizationId.ToString()),
        new Claim(ConsortiumClaim, Consortium ? "true" : "false"),
        .. PublicKey is null ? Array.Empty<Claim>() : [new Claim(PublicKeyClaim, PublicKey)],
    ], scheme));

    /// <summary>Minimal API binding; the agent policy has already authenticated the request.</summary>
    public static ValueTask<AgentIdentity?> BindAsync(HttpContext context)
    {
        var user = context.User;
        return ValueTask.FromResult(Guid.TryParse(user.FindFirstValue(AgentClaim), out var agent)
            && Guid.TryParse(user.FindFirstValue(OrganizationClaim), out var organization)
            ? new AgentIdentity(agent, organization, user.FindFirstValue(ConsortiumClaim) == "true", user.FindFirstValue(PublicKeyClaim))
            : null);
    }
}

/// <summary>
/// Agent tokens, looked up by hash. An agent calls several times a second under load, so a found token is
/// remembered for a few seconds; revoking on this replica forgets it at once, on others within that time.
/// </summary>
public sealed class AgentTokens(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (AgentIdentity Agent, DateTimeOffset Until)> _known = new();

    public async Task<AgentIdentity?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(presented, out var known) && known.Until > now)
            return known.Agent;
        var hash = ApiTokenService.Hash(presented);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var agent = await db.Agents.AsNoTracking()
            .Where(a => a.TokenHash == hash && a.RevokedAt == null)
            .Select(a => new AgentIdentity(a.Id, a.OrganizationId, a.Organization!.Kind == OrganizationKind.Consortium, a.PublicKey))
            .FirstOrDefaultAsync(cancellationToken);
        if (agent is null)
        {
            _known.TryRemove(presented, out _);
            return null;
        }
        _known[presented] = (agent, now + Remembered);
        return agent;
    }

    public void Forget(Guid agentId)
    {
        foreach (var entry in _known.Where(e => e.Value.Agent.AgentId == agentId).ToList())
            _known.TryRemove(entry.Key, out _);
    }
}

/// <summary>`Authorization: Bearer cpa_…` on the agent endpoints: the request acts as that agent, never as a person.</summary>
public sealed class AgentTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AgentToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (!presented.StartsWith(AgentProtocol.AgentTokenPrefix, StringComparison.Ordinal))
            return AuthenticateResult.Fail("Not an agent token.");
        var agent = await Context.RequestServices.GetRequiredService<AgentTokens>().AuthenticateAsync(presented, Context.RequestAborted);
        return agent is null
            ? AuthenticateResult.Fail("The agent token is unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(agent.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        BearerChallenge.WriteAsync(Context, Localized<AgentText>.Get("AgentUnauthorizedTitle"), Localized<AgentText>.Get("AgentUnauthorizedDetail"));
}
