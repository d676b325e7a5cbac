namespace Portal.Components.Sources;

/// <summary>Texts of figure sources on the pages (SourcePageText.resx, SourcePageText.ko.resx).</summary>
public sealed class SourcePageText;
