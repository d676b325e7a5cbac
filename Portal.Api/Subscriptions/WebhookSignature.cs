using System.Security.Cryptography;
using System.Text;

namespace Portal.Api.Subscriptions;

/// <summary>
/// How a delivery is signed (docs/webhooks.md): <c>X-Portal-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 with the webhook's
/// secret of <c>&lt;X-Portal-Timestamp&gt;.&lt;raw body&gt;</c>. Signing the timestamp with the body lets a receiver refuse a
/// replayed request (an old timestamp), and the body's delivery id lets it drop a repeat.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Portal-Signature";
    public const string TimestampHeader = "X-Portal-Timestamp";
    public const string DeliveryHeader = "X-Portal-Delivery";
    public const string EventHeader = "X-Portal-Event";

    /// <summary>How every issued secret begins, so that a leak scanner recognises one.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>A fresh secret: 32 random bytes as hex, prefixed so that it is recognisable in a leak scanner.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
