namespace Portal.Api.Dashboard;

/// <summary>The dashboard's texts (DashboardText.resx, DashboardText.ko.resx), shared by its page parts.</summary>
public sealed class DashboardText;
