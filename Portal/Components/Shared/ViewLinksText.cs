namespace Portal.Components.Shared;

/// <summary>Texts of a list's "copy link / CSV / JSON" (ViewLinksText.resx, ViewLinksText.ko.resx).</summary>
public sealed class ViewLinksText;
