using System.Globalization;
using Portal.Api.Common;
using Portal.Api.Dashboard;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Components.Dashboard;

/// <summary>Names and figures as the dashboard shows them, in the current (UI) culture.</summary>
public static class DashboardLabels
{
    public static string Of(DeploymentStatus status) => Text("DeploymentStatus", status);

    public static string Of(MilestoneStatus status) => Text("MilestoneStatus", status);

    public static string Of(SkuCategory category) => Text("SkuCategory", category);

    public static string Of(SkuLifecycle lifecycle) => Text("SkuLifecycle", lifecycle);

    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Megawatts(double value) => value.ToString("#,0.#", CultureInfo.CurrentCulture);

    public static string Share(double fraction) => fraction.ToString("P0", CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>The country's name for a tooltip beside its ISO code, which is what charts and tables show.</summary>
    public static string CountryName(string code) => Countries.Display(code);

    /// <summary>How far a milestone's date is from today, e.g. "In 12 days" or "3 days overdue".</summary>
    public static string When(DateOnly date, DateOnly today, MilestoneStatus status)
    {
        var days = date.DayNumber - today.DayNumber;
        return days switch
        {
            0 => Localized<DashboardText>.Get("DueToday"),
            > 0 when status == MilestoneStatus.Slipped => Localized<DashboardText>.Get("MarkedSlipped"),
            > 0 => Localized<DashboardText>.Format("DueIn", Count(days)),
            _ => Localized<DashboardText>.Format("Overdue", Count(-days)),
        };
    }

    private static string Text<TEnum>(string prefix, TEnum value) where TEnum : struct, Enum =>
        Localized<DashboardText>.Get($"{prefix}_{Naming.ToSnakeCase(value)}");
}
