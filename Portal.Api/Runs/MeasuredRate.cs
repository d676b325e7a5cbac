using Portal.Kernels.Ops;

namespace Portal.Api.Runs;

/// <summary>The unit a result's rate is read in: bandwidth for streaming ops, FLOP rate for compute-bound ones.</summary>
public enum RateUnit
{
    GbPerSecond,
    GflopPerSecond,
}

/// <summary>
/// The one figure a timing is judged by, as every view shows it: GB/s for a bandwidth-bound op, GFLOP/s for a compute-bound one
/// (<see cref="OpCatalog.IsComputeBound"/>: matmul, conv2d, attention), each with its share of the SKU's datasheet peak.
/// </summary>
/// <param name="PeakShare">Value ÷ the datasheet peak (memory bandwidth, or TFLOP/s at <paramref name="Dtype"/>); null when the
/// datasheet has no such figure (there is no F32 or F16 column) or the device maps to no SKU.</param>
/// <param name="Dtype">The storage dtype the timing is at (f32 when the result predates it).</param>
public sealed record MeasuredRate(RateUnit Unit, double Value, double? PeakShare, string Dtype);

/// <summary>The datasheet figures a rate is held against.</summary>
public sealed record SkuPeaks(double? MemoryBandwidthTbs, double? Bf16Tflops, double? Fp8Tflops);

/// <summary>Turns a timing's GB/s and GFLOP/s into its <see cref="MeasuredRate"/>: the one place where that choice is made.</summary>
public static class MeasuredRates
{
    public static MeasuredRate? Of(string op, string? dtype, double? gbPerSecond, double? gflopPerSecond, SkuPeaks? peaks)
    {
        var at = string.IsNullOrEmpty(dtype) ? "f32" : dtype;
        if (OpCatalog.IsComputeBound(op))
        {
            // A compute-bound op's GB/s says little (a 4096³ matmul moves 200 MB in a second of work): never show it as "0 GB/s".
            return gflopPerSecond is { } gflop && double.IsFinite(gflop)
                ? new MeasuredRate(RateUnit.GflopPerSecond, gflop, FlopShare(gflop, DatasheetTflops(at, peaks)), at)
                : null;
        }
        return gbPerSecond is { } gb && double.IsFinite(gb)
            ? new MeasuredRate(RateUnit.GbPerSecond, gb, BandwidthShare(gb, peaks?.MemoryBandwidthTbs), at)
            : null;
    }

    /// <summary>The datasheet's TFLOP/s for a dtype: BF16 for bf16, FP8 for both fp8 formats; none for f32 and f16, which the
    /// datasheet columns do not give (a BF16 figure is no honest peak for F32 arithmetic).</summary>
    public static double? DatasheetTflops(string dtype, SkuPeaks? peaks) => dtype switch
    {
        "bf16" => peaks?.Bf16Tflops,
        "fp8e4m3" or "fp8e5m2" => peaks?.Fp8Tflops,
        _ => null,
    };

    /// <summary>Achieved GB/s over the SKU's peak (TB/s × 1000); null unless both are known and finite.</summary>
    public static double? BandwidthShare(double? gbPerSecond, double? peakTbs) =>
        gbPerSecond is { } achieved && double.IsFinite(achieved) && peakTbs is > 0 ? achieved / (peakTbs.Value * 1000) : null;

    /// <summary>Achieved GFLOP/s over the datasheet's TFLOP/s × 1000.</summary>
    public static double? FlopShare(double? gflopPerSecond, double? peakTflops) =>
        gflopPerSecond is { } achieved && double.IsFinite(achieved) && peakTflops is > 0 ? achieved / (peakTflops.Value * 1000) : null;
}
