namespace Portal.Api.Publishing;

/// <summary>Texts of publication and embargo: validation messages (PublishingText.resx, PublishingText.ko.resx).</summary>
public sealed class PublishingText;
