using Portal.Api.Common;
namespace Portal.Api.Accounts;

public sealed record ApiTokenDto(
    Guid Id,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    bool Active);

public sealed record ApiTokenInput
{
    public string? Name { get; init; }

    /// <summary>1 to 365; defaults to 90.</summary>
    public int? ExpiresInDays { get; init; }
}

/// <summary>The only answer that carries the secret: it is shown once and never stored.</summary>
public sealed record CreatedApiTokenDto(string Token, ApiTokenDto Details);

/// <summary>
/// Who a presented token acts as, and which token it was (tokens made with it are bound to it). The caller, with its
/// roles, is read in the same query as the token, so that an API request that needs it makes no second query.
/// </summary>
public sealed record AuthenticatedToken(Guid TokenId, Guid UserId, Caller Caller);
