namespace Portal.Api.Regressions;

/// <summary>Messages of regressions and first passing drivers (RegressionText.resx, RegressionText.ko.resx).</summary>
public sealed class RegressionText;
