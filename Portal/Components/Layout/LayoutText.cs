namespace Portal.Components.Layout;

/// <summary>The shell's texts: app bar, navigation, page titles, error pages (LayoutText.resx, LayoutText.ko.resx).</summary>
public sealed class LayoutText;
