namespace Portal.Components.Regressions;

/// <summary>Texts of regressions and first passing drivers (RegressionPageText.resx, RegressionPageText.ko.resx).</summary>
public sealed class RegressionPageText;
