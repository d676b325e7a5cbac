namespace Portal.Components.Conformance;

/// <summary>Texts of conformance profiles and compatibility coverage (ConformancePageText.resx, ConformancePageText.ko.resx).</summary>
public sealed class ConformancePageText;
