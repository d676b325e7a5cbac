namespace Portal.Components.Dashboard;

/// <summary>The home page's own texts around the dashboard (HomeText.resx, HomeText.ko.resx).</summary>
public sealed class HomeText;
