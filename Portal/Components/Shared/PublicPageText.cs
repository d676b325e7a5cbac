namespace Portal.Components.Shared;

/// <summary>Texts of the public record: sign-in path, publication state, preview (PublicPageText.resx, PublicPageText.ko.resx).</summary>
public sealed class PublicPageText;
