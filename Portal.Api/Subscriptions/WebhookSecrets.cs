using Microsoft.AspNetCore.DataProtection;

namespace Portal.Api.Subscriptions;

/// <summary>
/// A webhook's signing secret at rest: sealed with ASP.NET Core data protection (keys in PostgreSQL, shared by the replicas),
/// so that a copy of the database, a backup or a read of the table does not hand out the keys to forge deliveries. Signing
/// needs the secret itself, so it is sealed rather than hashed; it is shown once, when the webhook is created.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Subscriptions.WebhookSecret.v1");

    public string Seal(string secret) => _protector.Protect(secret);

    /// <summary>
    /// The secret of a stored value. A webhook made before secrets were sealed holds its secret as it was issued
    /// (<see cref="WebhookSignature.SecretPrefix"/>): that one is read as it is until it is replaced.
    /// </summary>
    public string Open(string stored) =>
        stored.StartsWith(WebhookSignature.SecretPrefix, StringComparison.Ordinal) ? stored : _protector.Unprotect(stored);
}
