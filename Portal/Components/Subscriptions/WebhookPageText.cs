namespace Portal.Components.Subscriptions;

/// <summary>Texts of an organisation's webhooks page and of feed links (WebhookPageText.resx, WebhookPageText.ko.resx).</summary>
public sealed class WebhookPageText;
