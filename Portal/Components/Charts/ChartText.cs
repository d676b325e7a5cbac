namespace Portal.Components.Charts;

/// <summary>The charts' titles, axes, legends and hover texts (ChartText.resx, ChartText.ko.resx).</summary>
public sealed class ChartText;
