using System.Globalization;
using MudBlazor;
using Portal.Api.Common;
using Portal.Api.Home;
using Portal.Components.Conformance;
using Portal.Components.Dashboard;
using Portal.Data;

namespace Portal.Components.Home;

/// <summary>How the role sections' lights, rates and dates read, in the current culture.</summary>
public static class HomeSectionLabels
{
    public static string Light(TrafficLight light) => Localized<HomeSectionText>.Get($"Light_{Naming.ToSnakeCase(light)}");

    public static Color LightColor(TrafficLight light) => light switch
    {
        TrafficLight.Red => Color.Error,
        TrafficLight.Amber => Color.Warning,
        TrafficLight.Green => Color.Success,
        _ => Color.Default,
    };

    /// <summary>One reason in words, with the project's own figures where it has them.</summary>
    public static string Reason(SignalReason reason, ProjectCardDto project) => reason switch
    {
        SignalReason.MilestoneOverdue => Localized<HomeSectionText>.Format("Reason_milestone_overdue", DashboardLabels.Count(project.OverdueMilestones)),
        SignalReason.CoverageLow => Localized<HomeSectionText>.Format("Reason_coverage_low", Percent(project.Coverage.Share ?? 0), Percent(ProjectSignal.CoverageRed)),
        SignalReason.MilestoneSoon => Localized<HomeSectionText>.Format("Reason_milestone_soon", DashboardLabels.Count(ProjectSignal.SoonDays)),
        SignalReason.CoverageIncomplete => Localized<HomeSectionText>.Format("Reason_coverage_incomplete", Percent(project.Coverage.Share ?? 0)),
        SignalReason.NoAccelerators => Localized<HomeSectionText>.Get("Reason_no_accelerators"),
        _ => Localized<HomeSectionText>.Get("Reason_cancelled"),
    };

    public static string Percent(double share) => share.ToString("P0", CultureInfo.CurrentCulture);

    public static string Megawatts(double? value) =>
        value is { } mw ? Localized<HomeSectionText>.Format("Mw", DashboardLabels.Megawatts(mw)) : Localized<HomeSectionText>.Get("NotStated");

    public static string Date(DateTimeOffset at) => DashboardLabels.Date(DateOnly.FromDateTime(at.UtcDateTime));

    /// <summary>"9 of 11 passed (82 %)" for one side of a language's rate.</summary>
    public static string Rate(LanguageRateDto rate, int suiteTests) =>
        Localized<HomeSectionText>.Format("RateOf", DashboardLabels.Count(rate.Passed), DashboardLabels.Count(suiteTests), Percent(rate.PassRate));

    public static Color RateColor(LanguageRateDto? rate) => rate is null ? Color.Default : ConformanceLabels.RateColor(rate.PassRate);

    public static string Driver(string? driver) => driver ?? Localized<HomeSectionText>.Get("DriverUnknown");
}
