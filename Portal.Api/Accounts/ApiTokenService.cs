using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Audit;

namespace Portal.Api.Accounts;

/// <summary>
/// Personal API tokens: "cpt_" + 40 random base32 characters. Only the SHA-256 of the token is stored;
/// the prefix (first 12 characters: 8 random ones, 40 of its 200 bits) is kept in clear so a person can tell tokens apart.
/// A token made with another token (over the API) is bound to it: it expires no later and is revoked with it.
/// </summary>
public sealed class ApiTokenService(PortalDbContext db, TimeProvider time, RecentApiTokens recent)
{
    public const string TokenPrefix = "cpt_";
    public const int DefaultDays = 90;
    public const int MaxDays = 365;
    private const int PrefixLength = 12;

    /// <summary>
    /// The bootstrap value is chosen by a person, so its alphabet is unknown: with 40 characters and 8 of them shown,
    /// 32 stay secret, 128 bits even for a hex string.
    /// </summary>
    public const int BootstrapMinimumLength = 40;
    private const int BootstrapShownLength = 8;

    public async Task<IReadOnlyList<ApiTokenDto>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await OwnedBy(db.ApiTokens.AsNoTracking(), caller)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => new ApiTokenDto(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt,
                t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Who sees a personal token: its owner only, consortium admins included (a token is a person's own secret).</summary>
    public static IQueryable<ApiToken> OwnedBy(IQueryable<ApiToken> tokens, Caller caller) =>
        tokens.Where(t => t.UserId == caller.UserId);

    public async Task<Outcome<CreatedApiTokenDto>> CreateAsync(Caller caller, ApiTokenInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, 100, required: true, Localized<ApiTokenText>.Get("Field.Name"));
        var days = input.ExpiresInDays ?? DefaultDays;
        if (days is < 1 or > MaxDays)
            errors.Add("expiresInDays", Localized<ApiTokenText>.Format("ExpiryRange", MaxDays));
        if (errors.Any)
            return errors.ToOutcome<CreatedApiTokenDto>();
        // A person tells tokens apart by name: two tokens that are not revoked never share one (a unique index holds it
        // when two requests race; the check here gives the field its message).
        if (await db.ApiTokens.AnyAsync(t => t.UserId == caller.UserId && t.RevokedAt == null && t.Name == name, cancellationToken))
            return DuplicateName<CreatedApiTokenDto>(name!);

        var secret = NewSecret(TokenPrefix);
        var now = time.GetUtcNow();
        var token = new ApiToken
        {
            UserId = caller.UserId,
            Name = name!,
            Prefix = secret[..PrefixLength],
            SecretHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = await ExpiryWithinParentAsync(db, caller, now.AddDays(days), cancellationToken),
            ParentTokenId = caller.ApiTokenId,
        };
        db.ApiTokens.Add(token);
        if (await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Duplicate)
            return DuplicateName<CreatedApiTokenDto>(name!);
        return new CreatedApiTokenDto(secret, ToDto(token, now));
    }

    private static Outcome<T> DuplicateName<T>(string name)
    {
        var errors = new ValidationErrors();
        errors.Add("name", Localized<ApiTokenText>.Format("DuplicateName", name));
        return errors.ToOutcome<T>();
    }

    public async Task<Outcome<ApiTokenDto>> RevokeAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && t.UserId == caller.UserId, cancellationToken);
        if (token is null)
            return new Outcome<ApiTokenDto>.NotFound(Localized<ApiTokenText>.Format("NotFound", id));
        var now = time.GetUtcNow();
        token.RevokedAt ??= now;
        await RevokeDescendantsAsync(token.Id, now, cancellationToken);
        await db.SaveAsAsync(caller, cancellationToken);
        return ToDto(token, now);
    }

    /// <summary>
    /// When a token made by the caller's request expires: as asked, but never after the token the request
    /// presented (a signed-in session has none, so it is as asked). Registration tokens follow the same rule.
    /// </summary>
    public static async Task<DateTimeOffset> ExpiryWithinParentAsync(PortalDbContext db, Caller caller, DateTimeOffset requested,
        CancellationToken cancellationToken)
    {
        if (caller.ApiTokenId is not { } parentId)
            return requested;
        var parentExpiry = await db.ApiTokens.Where(t => t.Id == parentId).Select(t => t.ExpiresAt).FirstOrDefaultAsync(cancellationToken);
        return parentExpiry is { } limit && limit < requested ? limit : requested;
    }

    /// <summary>Revokes (in the pending save) every token made, directly or not, with the given one.</summary>
    private async Task RevokeDescendantsAsync(Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<Guid> parents = [tokenId];
        while (parents.Count > 0)
        {
            var registrations = await db.AgentRegistrationTokens
                .Where(t => t.ParentTokenId != null && parents.Contains(t.ParentTokenId.Value) && t.RevokedAt == null)
                .ToListAsync(cancellationToken);
            foreach (var registration in registrations)
                registration.RevokedAt = now;
            var children = await db.ApiTokens.Where(t => t.ParentTokenId != null && parents.Contains(t.ParentTokenId.Value))
                .ToListAsync(cancellationToken);
            foreach (var child in children)
                child.RevokedAt ??= now;
            parents = [.. children.Select(c => c.Id)];
        }
    }

    /// <summary>
    /// The token and caller a presented token acts as, or null when it is unknown, revoked or expired. One query reads the
    /// token, its user and the user's roles; it is remembered (<see cref="RecentApiTokens"/>) until anything is saved, so a
    /// revoked token, or a role taken away, counts on the next request, on every replica.
    /// </summary>
    public async Task<AuthenticatedToken?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var hash = Hash(presented);
        var key = RecentApiTokens.Key(hash);
        var now = time.GetUtcNow();
        if (recent.Find(key, db, now) is { } known)
        {
            if (known.LastUsedAt is null || now - known.LastUsedAt > LastUseInterval)
            {
                await TouchAsync(known.Token.TokenId, now, cancellationToken);
                recent.Remember(key, known with { LastUsedAt = now });
            }
            return known.Token;
        }

        var generation = DataChanges.GenerationOf(db);
        var token = await db.ApiTokens.AsNoTracking()
            .Where(t => t.SecretHash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .Select(t => new
            {
                t.Id,
                t.UserId,
                t.LastUsedAt,
                t.ExpiresAt,
                Name = t.User!.DisplayName != "" ? t.User.DisplayName : t.User.UserName!,
                t.User.IsConsortiumAdmin,
                Roles = t.User.Memberships.Select(m => new { m.OrganizationId, m.Role }).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (token is null)
        {
            recent.Forget(key);
            return null;
        }
        var lastUsed = token.LastUsedAt;
        if (lastUsed is null || now - lastUsed > LastUseInterval)
        {
            await TouchAsync(token.Id, now, cancellationToken);
            lastUsed = now;
        }
        var caller = new Caller(token.UserId, token.Name, token.IsConsortiumAdmin, token.Roles.ToDictionary(r => r.OrganizationId, r => r.Role))
        {
            ApiTokenId = token.Id,
        };
        var authenticated = new AuthenticatedToken(token.Id, token.UserId, caller);
        recent.Remember(key, new RecentApiTokens.Entry(authenticated, token.ExpiresAt, lastUsed, generation, now));
        return authenticated;
    }

    /// <summary>Last use is informative: it is written at most once a minute per token, not on every request.</summary>
    private static readonly TimeSpan LastUseInterval = TimeSpan.FromMinutes(1);

    private Task TouchAsync(Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ApiTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);

    /// <summary>
    /// Makes sure a token with exactly this value exists for the bootstrap consortium admin, so scripts,
    /// compose and CI can drive a fresh portal. An existing revoked or expired one is brought back.
    /// </summary>
    public async Task EnsureBootstrapTokenAsync(string value, Guid adminUserId, CancellationToken cancellationToken)
    {
        var hash = Hash(value);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        if (token is null)
        {
            db.ApiTokens.Add(new ApiToken
            {
                UserId = adminUserId,
                // Names differ per value (tokens that are not revoked have names of their own): a portal whose bootstrap
                // value changed keeps both, told apart by a short fingerprint of the value's hash.
                Name = $"bootstrap (PORTAL_BOOTSTRAP_TOKEN) {Convert.ToHexStringLower(hash, 0, 4)}",
                Prefix = BootstrapPrefix(value),
                SecretHash = hash,
                CreatedAt = time.GetUtcNow(),
            });
        }
        else
        {
            token.UserId = adminUserId;
            token.Prefix = BootstrapPrefix(value);
            token.RevokedAt = null;
            token.ExpiresAt = null;
        }
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>What is kept in clear of a bootstrap value: never more than 8 characters, and at most a fifth of a shorter one.</summary>
    public static string BootstrapPrefix(string value) => value[..Math.Min(BootstrapShownLength, value.Length / 5)];

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A new secret: the prefix that names its kind, then 40 random base32 characters (200 bits).</summary>
    public static string NewSecret(string prefix) => prefix + Base32(RandomNumberGenerator.GetBytes(25));

    private static ApiTokenDto ToDto(ApiToken t, DateTimeOffset now) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt,
            t.RevokedAt is null && (t.ExpiresAt is null || t.ExpiresAt > now));

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var output = new StringBuilder(bytes.Length * 8 / 5 + 1);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            output.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return output.ToString();
    }
}
