using Portal.Data.Audit;

namespace Portal.Data.Accounts;

/// <summary>
/// A personal API token. Only a SHA-256 hash of the secret is kept: tokens are long random strings,
/// so a fast hash is enough and lets every request look its token up by hash.
/// </summary>
public sealed class ApiToken : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public PortalUser? User { get; set; }
    public required string Name { get; set; }

    /// <summary>The first characters of the token, shown so a person can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>
    /// The token this one was created with over the API, if any: it expires no later than its parent and is
    /// revoked with it, so a token can never outlive the token that made it.
    /// </summary>
    public Guid? ParentTokenId { get; set; }

    string IAudited.AuditId => Id.ToString();
}
