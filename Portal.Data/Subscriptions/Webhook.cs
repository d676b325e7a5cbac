using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Data.Subscriptions;

/// <summary>
/// An organisation's endpoint for change events. Each delivery's body is signed with its secret (HMAC-SHA256), which is
/// shown once, when the webhook is created; <see cref="Secret"/> holds it sealed with the portal's data-protection keys
/// (WebhookSecrets: not hashed, because signing needs it), and is left out of the audit log.
/// </summary>
public sealed class Webhook : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public required string Url { get; set; }

    /// <summary>The change kinds delivered (<see cref="ChangeKinds.Names"/>).</summary>
    public List<string> Kinds { get; set; } = [];
    public required string Secret { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }

    string IAudited.AuditId => Id.ToString();
}

public enum DeliveryState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// The outbox: one change (or test event) to send to one webhook, with the exact body that is signed and sent on every
/// attempt. The sender claims due rows, posts, and records each attempt; a failure is retried with exponential backoff
/// until <c>MaxAttempts</c>.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WebhookId { get; set; }
    public Webhook Webhook { get; set; } = null!;

    /// <summary>The change delivered; null for a test event.</summary>
    public long? EventId { get; set; }
    public required string Kind { get; set; }
    public required string Body { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public List<WebhookAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One try at a delivery, for the delivery log: when, the answer's status code, or what went wrong.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}
