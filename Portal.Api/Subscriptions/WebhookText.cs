namespace Portal.Api.Subscriptions;

/// <summary>Messages about webhooks and feeds (WebhookText.resx, WebhookText.ko.resx).</summary>
public sealed class WebhookText;
