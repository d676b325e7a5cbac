using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// The JSON body of a delivery (docs/webhooks.md). It carries its own delivery id, so that a receiver can drop a
/// repeat; it is fixed when the delivery is queued and sent byte for byte on every attempt, since the signature covers it.
/// </summary>
public sealed record WebhookPayload(
    Guid DeliveryId,
    string Kind,
    DateTimeOffset OccurredAt,
    Guid OrganizationId,
    WebhookSubject? Sku = null,
    WebhookTest? Test = null,
    Guid? JobId = null,
    string? Verdict = null,
    string? PreviousVerdict = null,
    string? DriverVersion = null,
    string? PreviousDriverVersion = null,
    WebhookSubject? Deployment = null,
    WebhookMilestone? Milestone = null,
    string? Message = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static WebhookPayload? Parse(string body) => JsonSerializer.Deserialize<WebhookPayload>(body, Json);
}

/// <summary>A SKU or deployment named in a delivery, with its page's path on the portal.</summary>
public sealed record WebhookSubject(Guid Id, string Name, string Path);

public sealed record WebhookTest(Guid Id, string Name, string Language, string Path);

public sealed record WebhookMilestone(Guid Id, string Title, DateOnly Date);
