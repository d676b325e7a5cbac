namespace Portal.Api.Citations;

/// <summary>Texts of citable results (CitationText.resx, CitationText.ko.resx).</summary>
public sealed class CitationText;
