using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Accounts;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Audit;

namespace Portal.Api.Agents;

/// <summary>
/// Registration tokens (created by a partner's admins, expiring, revocable) and what they are for: an agent
/// presents one once and receives its own agent token, bound to the token's organisation.
/// </summary>
public sealed class RegistrationTokenService(PortalDbContext db, AgentTokens agentTokens, TimeProvider time)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 365;
    private const int PrefixLength = 12;
    private const int MaxOrganizationChoices = 50;

    public async Task<IReadOnlyList<RegistrationTokenDto>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await VisibleTo(db.AgentRegistrationTokens.AsNoTracking(), caller)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new RegistrationTokenDto(t.Id, t.OrganizationId, t.Organization!.Name, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt,
                t.RevokedAt, t.LastUsedAt, t.Registrations, t.RevokedAt == null && t.ExpiresAt > now))
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<CreatedRegistrationTokenDto>> CreateAsync(Caller caller, RegistrationTokenInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, 100, required: true, Localized<AgentText>.Get("Field.TokenName"));
        var days = input.ExpiresInDays ?? DefaultDays;
        if (days is < 1 or > MaxDays)
            errors.Add("expiresInDays", Localized<AgentText>.Format("TokenExpiryRange", MaxDays));
        var organizationId = input.OrganizationId ?? (AdministeredOrganizations(caller) is [var only] ? only : (Guid?)null);
        if (organizationId is null)
            errors.Add("organizationId", Localized<AgentText>.Get("TokenOrganizationRequired"));
        if (errors.Any)
            return errors.ToOutcome<CreatedRegistrationTokenDto>();
        var organization = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == organizationId).Select(o => new { o.Id, o.Name }).FirstOrDefaultAsync(cancellationToken);
        if (organization is null)
            return new Outcome<CreatedRegistrationTokenDto>.NotFound(Localized<AgentText>.Format("OrganizationNotFound", organizationId!));
        if (!caller.IsAdminOf(organization.Id))
            return new Outcome<CreatedRegistrationTokenDto>.Forbidden(Localized<AgentText>.Format("TokenForbidden", organization.Name));

        var secret = ApiTokenService.NewSecret(AgentProtocol.RegistrationTokenPrefix);
        var now = time.GetUtcNow();
        var token = new AgentRegistrationToken
        {
            OrganizationId = organization.Id,
            Name = name!,
            Prefix = secret[..PrefixLength],
            SecretHash = ApiTokenService.Hash(secret),
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ExpiresAt = await ApiTokenService.ExpiryWithinParentAsync(db, caller, now.AddDays(days), cancellationToken),
            ParentTokenId = caller.ApiTokenId,
        };
        db.AgentRegistrationTokens.Add(token);
        await db.SaveAsAsync(caller, cancellationToken);
        return new CreatedRegistrationTokenDto(secret, ToDto(token, organization.Name, now));
    }

    public async Task<Outcome<RegistrationTokenDto>> RevokeAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var token = await db.AgentRegistrationTokens.Include(t => t.Organization).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null || !caller.IsAdminOf(token.OrganizationId))
            return new Outcome<RegistrationTokenDto>.NotFound(Localized<AgentText>.Format("TokenNotFound", id));
        var now = time.GetUtcNow();
        token.RevokedAt ??= now;
        await db.SaveAsAsync(caller, cancellationToken);
        return ToDto(token, token.Organization!.Name, now);
    }

    /// <summary>
    /// An agent presents a registration token: a new agent of the token's organisation, with its own secret.
    /// Forbidden when the token is unknown, expired or revoked (the endpoint answers 401).
    /// </summary>
    public async Task<Outcome<RegisteredAgent>> RegisterAsync(string presented, AgentRegistration registration, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", registration.Name, 200, required: true, Localized<AgentText>.Get("Field.AgentName"));
        var hostname = errors.Text("hostname", registration.Hostname, 200, required: false, Localized<AgentText>.Get("Field.Hostname"));
        var agentVersion = errors.Text("agentVersion", registration.AgentVersion, 100, required: false, "agentVersion");
        var engineVersion = errors.Text("engineVersion", registration.EngineVersion, 100, required: false, "engineVersion");
        if (registration.PublicKey is not null && !Portal.Contracts.Signing.AgentKey.IsPublicKey(registration.PublicKey))
            errors.Add("publicKey", Localized<AgentText>.Get("PublicKeyInvalid"));
        if (errors.Any)
            return errors.ToOutcome<RegisteredAgent>();

        var now = time.GetUtcNow();
        var hash = ApiTokenService.Hash(presented);
        var token = await db.AgentRegistrationTokens.Include(t => t.Organization)
            .FirstOrDefaultAsync(t => t.SecretHash == hash && t.RevokedAt == null && t.ExpiresAt > now, cancellationToken);
        if (token is null)
            return new Outcome<RegisteredAgent>.Forbidden(Localized<AgentText>.Get("RegistrationTokenInvalid"));

        // Checked once the token is known good, so that a caller without one cannot learn which keys are registered.
        if (registration.PublicKey is not null && await db.Agents.AnyAsync(a => a.PublicKey == registration.PublicKey, cancellationToken))
            return KeyTaken();

        var secret = ApiTokenService.NewSecret(AgentProtocol.AgentTokenPrefix);
        var agent = new Agent
        {
            OrganizationId = token.OrganizationId,
            Name = name!,
            Hostname = hostname,
            AgentVersion = agentVersion,
            EngineVersion = engineVersion,
            TokenPrefix = secret[..PrefixLength],
            TokenHash = ApiTokenService.Hash(secret),
            RegistrationTokenId = token.Id,
            RegisteredAt = now,
            LastHeartbeatAt = now,
            PublicKey = registration.PublicKey,
        };
        db.Agents.Add(agent);
        token.Registrations++;
        token.LastUsedAt = now;
        db.Actor = new AuditActor(token.CreatedByUserId, $"agent registration ({token.Name})");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: KeyIndex })
        {
            return KeyTaken(); // registered by another call at the same moment
        }
        return new RegisteredAgent(agent.Id, token.OrganizationId, token.Organization!.Name, secret, Signing.PortalVersion.Current);
    }

    /// <summary>The unique index that keeps one public key to one agent (AgentConfiguration).</summary>
    public const string KeyIndex = "ix_agents_public_key";

    /// <summary>A key some agent (revoked or not) already has: 409, so that a signature always names one agent.</summary>
    public static Outcome<T> KeyTaken<T>() => new Outcome<T>.Conflict(Localized<AgentText>.Get("PublicKeyTaken"));

    private static Outcome<RegisteredAgent> KeyTaken() => KeyTaken<RegisteredAgent>();

    /// <summary>Revokes an agent: its token stops working at once on this replica, within seconds on others.</summary>
    public async Task<Outcome<bool>> RevokeAgentAsync(Caller caller, Guid agentId, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        if (agent is null)
            return new Outcome<bool>.NotFound(Localized<AgentText>.Format("AgentNotFound", agentId));
        if (!caller.IsAdminOf(agent.OrganizationId))
            return new Outcome<bool>.Forbidden(Localized<AgentText>.Get("AgentForbidden"));
        agent.RevokedAt ??= time.GetUtcNow();
        await db.SaveAsAsync(caller, cancellationToken);
        agentTokens.Forget(agent.Id);
        return true;
    }

    /// <summary>Whether the caller may create registration tokens at all: an admin of some organisation, or a consortium admin.</summary>
    public static bool CanCreate(Caller? caller) => caller is not null && (caller.IsConsortiumAdmin || AdministeredOrganizations(caller).Count > 0);

    /// <summary>Organisations the caller may create registration tokens for (any, for a consortium admin), matching a search.</summary>
    public async Task<IReadOnlyList<TokenOrganization>> TokenOrganizationsAsync(Caller caller, string? search, CancellationToken cancellationToken)
    {
        var organizations = db.Organizations.AsNoTracking();
        if (!caller.IsConsortiumAdmin)
        {
            var administered = AdministeredOrganizations(caller);
            organizations = organizations.Where(o => administered.Contains(o.Id));
        }
        if (!string.IsNullOrWhiteSpace(search))
            organizations = organizations.Where(o => EF.Functions.ILike(o.Name, "%" + Like.Escape(search.Trim()) + "%", Like.EscapeCharacter));
        return await organizations.OrderBy(o => o.Name).Take(MaxOrganizationChoices).Select(o => new TokenOrganization(o.Id, o.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Who sees a registration token (its name, prefix, use): its organisation's admins and consortium admins.</summary>
    public static IQueryable<AgentRegistrationToken> VisibleTo(IQueryable<AgentRegistrationToken> tokens, Caller caller)
    {
        if (caller.IsConsortiumAdmin)
            return tokens;
        var organizations = AdministeredOrganizations(caller);
        return tokens.Where(t => organizations.Contains(t.OrganizationId));
    }

    private static RegistrationTokenDto ToDto(AgentRegistrationToken t, string organizationName, DateTimeOffset now) =>
        new(t.Id, t.OrganizationId, organizationName, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.Registrations,
            t.RevokedAt == null && t.ExpiresAt > now);

    private static List<Guid> AdministeredOrganizations(Caller caller) =>
        [.. caller.Roles.Where(r => r.Value == Portal.Data.Organizations.MemberRole.Admin).Select(r => r.Key)];
}
