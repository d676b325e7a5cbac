using System.Globalization;
using MudBlazor;
using Portal.Api.Common;

namespace Portal.Components.Conformance;

/// <summary>How verdicts and rates read and look, shared by the profile, the coverage and the agents page.</summary>
public static class ConformanceLabels
{
    /// <summary>The verdict in the current language ("passed" → "Passed"); null (no result yet) reads "Not run".</summary>
    public static string Verdict(string? verdict) =>
        verdict is null ? Localized<ConformancePageText>.Get("NotRun") : Localized<ConformancePageText>.Find($"Verdict.{verdict}") ?? verdict;

    public static Color VerdictColor(string? verdict) => verdict switch
    {
        "passed" => Color.Success,
        "failed" => Color.Error,
        "compile_error" or "runtime_error" or "timeout" or "crashed" => Color.Warning,
        _ => Color.Default,
    };

    /// <summary>A share 0–1 as a whole percentage in the current culture ("92 %" or "92%").</summary>
    public static string Percent(double share) => share.ToString("P0", CultureInfo.CurrentCulture);

    public static Color RateColor(double share) => share >= 1 ? Color.Success : share > 0 ? Color.Warning : Color.Default;

    /// <summary>"0.42 ms · 1,074 GFLOP/s" from a result's timed case, in the unit its op is judged by (<see cref="Measured.MeasuredLabels"/>).</summary>
    public static string? Timing(double? medianMs, Portal.Api.Runs.MeasuredRate? rate) => (medianMs, rate) switch
    {
        (_, null) => null,
        (null, { } r) => Measured.MeasuredLabels.Rate(r),
        ({ } ms, { } r) => Localized<ConformancePageText>.Format("TimingRate", ms.ToString("G3", CultureInfo.CurrentCulture), Measured.MeasuredLabels.Rate(r)),
    };

    /// <summary>"0.42 ms · 512 GB/s" from a result's timed case, or null without timing.</summary>
    public static string? Timing(double? medianMs, double? gbPerSecond) => (medianMs, gbPerSecond) switch
    {
        (null, null) => null,
        ({ } ms, null) => Localized<ConformancePageText>.Format("TimingMs", ms.ToString("G3", CultureInfo.CurrentCulture)),
        (null, { } gb) => Localized<ConformancePageText>.Format("TimingGbs", gb.ToString("N0", CultureInfo.CurrentCulture)),
        ({ } ms, { } gb) => Localized<ConformancePageText>.Format("TimingBoth", ms.ToString("G3", CultureInfo.CurrentCulture),
            gb.ToString("N0", CultureInfo.CurrentCulture)),
    };
}
