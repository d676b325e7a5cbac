namespace Portal.Api.Subscriptions;

/// <summary>POST /api/v1/organizations/{id}/webhooks. <see cref="Kinds"/>: verdict_changed, regression, new_sku, milestone_slipped.</summary>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Kinds);

/// <summary>A webhook as its organisation's admins see it; the secret is never shown again after creation.</summary>
public sealed record WebhookDto(Guid Id, Guid OrganizationId, string Url, IReadOnlyList<string> Kinds, DateTimeOffset CreatedAt,
    int Pending, int Delivered, int Failed, bool CanEdit);

/// <summary>The answer to creating a webhook: the only time its signing secret is shown.</summary>
public sealed record CreatedWebhookDto(WebhookDto Webhook, string Secret);

public sealed record WebhookDeliveryDto(Guid Id, string Kind, string State, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError, IReadOnlyList<WebhookAttemptDto> Log);

public sealed record WebhookAttemptDto(int Number, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);
