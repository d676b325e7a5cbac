using System.Globalization;
using MudBlazor;
using Portal.Api.Common;
using Portal.Api.Runs;
using Portal.Api.Skus;

namespace Portal.Components.Measured;

/// <summary>
/// How a measured figure reads, in one place for the matrix, the run page, the SKU pages and the catalogue: a rate in its op's
/// unit (GFLOP/s or GB/s) with its share of the datasheet peak, and a pass rate next to what the SKU claims.
/// </summary>
public static class MeasuredLabels
{
    /// <summary>A text of MeasuredText.resx in the current language.</summary>
    public static string Text(string key) => Localized<MeasuredText>.Get(key);

    public static string Text(string key, params object[] args) => Localized<MeasuredText>.Format(key, args);

    /// <summary>"512 GB/s" or "1,234 GFLOP/s": three significant figures at most, so a slow CPU reads "0.35 GB/s", never "0 GB/s".</summary>
    public static string Rate(MeasuredRate rate) =>
        Localized<MeasuredText>.Format(rate.Unit == RateUnit.GflopPerSecond ? "RateGflops" : "RateGbs", Figure(rate.Value));

    /// <summary>"15 % of peak bandwidth", "4 % of BF16 TFLOP/s", or why there is no share.</summary>
    public static string Share(MeasuredRate rate) => (rate.Unit, rate.PeakShare) switch
    {
        (RateUnit.GbPerSecond, { } share) => Localized<MeasuredText>.Format("ShareOfBandwidth", Percent(share)),
        (RateUnit.GbPerSecond, null) => Localized<MeasuredText>.Get("NoBandwidthPeak"),
        (_, { } share) => Localized<MeasuredText>.Format("ShareOfTflops", Percent(share), Dtype(rate.Dtype)),
        _ => Localized<MeasuredText>.Format("NoTflopsPeak", Dtype(rate.Dtype)),
    };

    /// <summary>"512 GB/s · 15 %": the rate and, when known, its share of the peak.</summary>
    public static string Compact(MeasuredRate rate) =>
        rate.PeakShare is { } share ? $"{Rate(rate)} · {share.ToString("P0", CultureInfo.CurrentCulture)}" : Rate(rate);

    /// <summary>"92 % (11/12)".</summary>
    public static string Pass(PassRate rate) =>
        Localized<MeasuredText>.Format("PassRate", Percent(rate.Rate), rate.Passed.ToString("N0", CultureInfo.CurrentCulture),
            rate.Tested.ToString("N0", CultureInfo.CurrentCulture));

    /// <summary>A language's measured state in one line: the verified rate first, else the partner-reported one, else "not tested"
    /// or "not claimed".</summary>
    public static string Language(LanguageMeasured language) => language switch
    {
        { Verified: { } verified } => Localized<MeasuredText>.Format("VerifiedRate", Pass(verified)),
        { Reported: { } reported } => Localized<MeasuredText>.Format("ReportedRate", Pass(reported)),
        { State: MeasuredState.NotTested } => Localized<MeasuredText>.Get("NotTested"),
        _ => Localized<MeasuredText>.Get("NotClaimed"),
    };

    public static Color Color(PassRate? rate) => rate is null ? MudBlazor.Color.Default
        : rate.Rate >= 1 ? MudBlazor.Color.Success : rate.Rate >= 0.5 ? MudBlazor.Color.Warning : MudBlazor.Color.Error;

    public static string Provenance(bool verified) => Localized<MeasuredText>.Get(verified ? "Verified" : "PartnerReported");

    public static string Percent(double share) => share.ToString("P0", CultureInfo.CurrentCulture);

    /// <summary>At most three significant figures, grouped, never in exponent form.</summary>
    public static string Figure(double value)
    {
        var magnitude = Math.Abs(value);
        var decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.01 ? 3 : 4;
        return value.ToString("N" + decimals, CultureInfo.CurrentCulture);
    }

    private static string Dtype(string dtype) => dtype switch
    {
        "fp8e4m3" or "fp8e5m2" => "FP8",
        _ => dtype.ToUpperInvariant(),
    };
}
