namespace Portal.Components.Measured;

/// <summary>How measured figures read (MeasuredText.resx, MeasuredText.ko.resx): rates, shares of the datasheet peak, pass rates.</summary>
public sealed class MeasuredText;
