using Portal.Api.Skus;

namespace Portal.Components.Skus;

/// <summary>The rows of the compare view and which column holds the best figure of each.</summary>
public static class SkuComparison
{
    /// <summary>A compared figure; <paramref name="HigherIsBetter"/> null means no figure is "best" (TDP, FLOP per byte are trade-offs).</summary>
    public sealed record Row(string Label, Func<SkuDetail, double?> Value, string Format, bool? HigherIsBetter);

    public static IReadOnlyList<Row> Rows =>
    [
        new(SkuLabels.Field("MemoryGb"), s => s.MemoryGb, "#,##0.##", true),
        new(SkuLabels.Field("MemoryBandwidthTbs"), s => s.MemoryBandwidthTbs, "#,##0.##", true),
        new(SkuLabels.Field("Bf16Tflops"), s => s.Bf16Tflops, "#,##0.##", true),
        new(SkuLabels.Field("Fp8Tflops"), s => s.Fp8Tflops, "#,##0.##", true),
        new(SkuLabels.Field("Int8Tops"), s => s.Int8Tops, "#,##0.##", true),
        new(SkuLabels.Field("TdpW"), s => s.TdpW, "#,##0.##", null),
        new(Api.Common.Localized<SkuPageText>.Get("Derived_Bf16FlopPerByte"), s => s.Derived.Bf16FlopPerByte, "N0", null),
        new(Api.Common.Localized<SkuPageText>.Get("Derived_Bf16TflopsPerWatt"), s => s.Derived.Bf16TflopsPerWatt, "N2", true),
        new(Api.Common.Localized<SkuPageText>.Get("Derived_Fp8TflopsPerWatt"), s => s.Derived.Fp8TflopsPerWatt, "N2", true),
        new(Api.Common.Localized<SkuPageText>.Get("Derived_MemoryGbPerBf16Tflop"), s => s.Derived.MemoryGbPerBf16Tflop, "N3", true),
    ];

    /// <summary>The indexes holding the best known value (ties all win); none when fewer than two values are known.</summary>
    public static IReadOnlySet<int> Best(IReadOnlyList<double?> values, bool? higherIsBetter)
    {
        var known = values.Select((v, i) => (v, i)).Where(x => x.v is not null).ToList();
        if (higherIsBetter is null || known.Count < 2)
            return new HashSet<int>();
        var best = higherIsBetter.Value ? known.Max(x => x.v!.Value) : known.Min(x => x.v!.Value);
        return known.Where(x => x.v == best).Select(x => x.i).ToHashSet();
    }
}
