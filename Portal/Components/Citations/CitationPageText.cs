namespace Portal.Components.Citations;

/// <summary>Texts of the citable result page (CitationPageText.resx, CitationPageText.ko.resx).</summary>
public sealed class CitationPageText;
