namespace Portal.Api.Sources;

/// <summary>Texts of figure sources: messages (SourceText.resx, SourceText.ko.resx).</summary>
public sealed class SourceText;
