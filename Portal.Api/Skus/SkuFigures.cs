namespace Portal.Api.Skus;

/// <summary>Derived figures from a SKU's specs: pure arithmetic, shared by the detail and compare views.</summary>
public static class SkuFigures
{
    public static SkuDerived Derive(double? bf16Tflops, double? fp8Tflops, double? memoryGb, double? bandwidthTbs, double? tdpW,
        IReadOnlyList<SkuComponentDto> components) => new(
        // TFLOP/s ÷ TB/s = FLOP per byte: the arithmetic intensity a kernel needs to be compute-bound.
        Bf16FlopPerByte: Ratio(bf16Tflops, bandwidthTbs),
        Bf16TflopsPerWatt: Ratio(bf16Tflops, tdpW),
        Fp8TflopsPerWatt: Ratio(fp8Tflops, tdpW),
        MemoryGbPerBf16Tflop: Ratio(memoryGb, bf16Tflops),
        ComponentMemoryGb: Total(components, c => c.MemoryGb),
        ComponentBandwidthTbs: Total(components, c => c.MemoryBandwidthTbs),
        ComponentUnits: components.Sum(c => c.Count));

    public static double? Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? n / d : null;

    /// <summary>Σ count × figure; null when there is nothing to add or any part's figure is unknown (a partial sum would mislead).</summary>
    public static double? Total(IReadOnlyList<SkuComponentDto> components, Func<SkuComponentDto, double?> figure) =>
        components.Count == 0 || components.Any(c => figure(c) is null)
            ? null
            : components.Sum(c => c.Count * figure(c)!.Value);
}
