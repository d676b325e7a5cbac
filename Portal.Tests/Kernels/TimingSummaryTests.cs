using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

public class TimingSummaryTests
{
    private static readonly OpDefinition VectorAdd = OpCatalog.Get("vector_add");

    private static CaseParams N(double n) => new(VectorAdd, new Dictionary<string, double> { ["n"] = n });

    [Fact]
    public void Summary_statistics_follow_their_definitions()
    {
        // Sorted: 1 2 3 4 10. Mean 4, sample variance (9 + 4 + 1 + 0 + 36) / 4 = 12.5.
        var timing = TimingSummary.Summarise([3, 1, 10, 2, 4], VectorAdd, N(1000));
        Assert.Equal(5, timing.Iterations);
        Assert.Equal(3, timing.MedianMs);
        Assert.Equal(1, timing.MinMs);
        Assert.Equal(10, timing.MaxMs);
        Assert.Equal(4, timing.MeanMs);
        Assert.Equal(Math.Sqrt(12.5), timing.StdMs, 12);
        Assert.Equal(7.6, timing.P90Ms, 12); // rank 0.9 · 4 = 3.6: 4 + 0.6 · (10 − 4)
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Assert.Equal(2.5, TimingSummary.Summarise([4, 1, 3, 2], VectorAdd, N(1)).MedianMs);

    [Fact]
    public void A_single_sample_has_zero_spread_and_is_every_percentile()
    {
        var timing = TimingSummary.Summarise([2], VectorAdd, N(1));
        Assert.Equal((2, 2, 2, 0), (timing.MedianMs, timing.MinMs, timing.P90Ms, timing.StdMs));
    }

    [Fact]
    public void Rates_come_from_the_op_formulas_and_the_median()
    {
        // vector_add, n = 2^20: 12 · 2^20 bytes and 2^20 FLOPs in a median of 0.5 ms.
        var timing = TimingSummary.Summarise([0.5, 0.4, 9], VectorAdd, N(1 << 20));
        Assert.Equal(12.0 * (1 << 20) / 0.5e-3 / 1e9, timing.GbPerSecond, 9);
        Assert.Equal((1 << 20) / 0.5e-3 / 1e9, timing.GflopPerSecond!.Value, 9);
        Assert.Equal(new Dictionary<string, double> { ["n"] = 1 << 20 }, timing.Params);
    }

    [Fact]
    public void Ops_without_arithmetic_report_no_flop_rate() =>
        Assert.Null(TimingSummary.Summarise([1], OpCatalog.Get("transpose"),
            new CaseParams(OpCatalog.Get("transpose"), new Dictionary<string, double> { ["rows"] = 2, ["cols"] = 2 })).GflopPerSecond);

    [Fact]
    public void Rates_of_a_bf16_spec_count_each_buffer_at_its_resolved_dtype_and_name_the_dtype()
    {
        // matmul m = n = k = 512 with bf16 a and b and an f32 c: 2·512² + 2·512² + 4·512² bytes, not 12·512².
        var spec = Specs.Validate(Specs.For("matmul", ["a", "b", "c", "m", "n", "k"], Specs.Case(("m", 512), ("n", 512), ("k", 512)))
            with { Dtype = "bf16", Dtypes = new Dictionary<string, string> { ["c"] = "f32" } }).Spec!;
        var timing = TimingSummary.Summarise([2.0], spec, spec.Cases[0]);
        const double elements = 512.0 * 512;
        Assert.Equal(8 * elements / 2e-3 / 1e9, timing.GbPerSecond, 9);
        Assert.Equal(2.0 * 512 * 512 * 512 / 2e-3 / 1e9, timing.GflopPerSecond!.Value, 6);
        Assert.Equal(timing.GflopPerSecond / 1000, timing.TflopPerSecond);
        Assert.Equal("bf16", timing.Dtype);
    }

    [Fact]
    public void Rates_of_an_f16_reduction_count_two_bytes_an_input_element()
    {
        var spec = Specs.Validate(Specs.For("reduce_sum", ["x", "s", "n"], Specs.N(1 << 20)) with { Dtype = "f16" }).Spec!;
        var timing = TimingSummary.Summarise([1.0], spec, spec.Cases[0]);
        Assert.Equal((2.0 * (1 << 20) + 2) / 1e-3 / 1e9, timing.GbPerSecond, 9);
        Assert.Equal("f16", timing.Dtype);
    }

    [Fact]
    public void A_v1_spec_is_rated_at_f32_as_before()
    {
        var spec = Specs.Validate(Specs.VectorAdd(Specs.N(1 << 20))).Spec!;
        var timing = TimingSummary.Summarise([0.5], spec, spec.Cases[0]);
        Assert.Equal(12.0 * (1 << 20) / 0.5e-3 / 1e9, timing.GbPerSecond, 9);
        Assert.Equal("f32", timing.Dtype);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 1.0, 0.0 })]
    [InlineData(new[] { 1.0, double.NaN })]
    public void Empty_or_non_positive_times_are_refused(double[] times) =>
        Assert.Throws<ArgumentException>(() => TimingSummary.Summarise(times, VectorAdd, N(1)));

    [Fact]
    public void Relative_standard_error_of_the_median_shrinks_with_more_samples_of_the_same_spread()
    {
        var few = TimingSummary.MedianRelativeStandardError([1, 1.1, 0.9, 1]);
        var many = TimingSummary.MedianRelativeStandardError([.. Enumerable.Repeat(new[] { 1, 1.1, 0.9, 1 }, 25).SelectMany(t => t)]);
        Assert.True(many < few / 4);
        Assert.Equal(0, TimingSummary.MedianRelativeStandardError([2, 2, 2]));
        Assert.Equal(double.PositiveInfinity, TimingSummary.MedianRelativeStandardError([2]));
    }

    [Fact]
    public void Relative_standard_error_of_the_median_is_the_width_of_its_95_percent_interval_over_3_92()
    {
        // 20 samples 1.00, 1.01, …, 1.19 (shuffled): ranks 20/2 ∓ 1.96·√20/2 are 5 and 16, so 1.04 and 1.15, median 1.095.
        double[] times = [.. Enumerable.Range(0, 20).Select(i => 1.0 + (i * 7 % 20) / 100.0)];
        Assert.Equal((1.15 - 1.04) / 3.92 / 1.095, TimingSummary.MedianRelativeStandardError(times), 12);
    }

    [Fact]
    public void Times_in_two_clusters_keep_the_median_uncertain()
    {
        // Alternating 1 and 3 ms: the median lies in either cluster, however many samples there are.
        double[] times = [.. Enumerable.Range(0, 75).Select(i => i % 2 == 0 ? 1.0 : 3.0)];
        Assert.True(TimingSummary.MedianRelativeStandardError(times) > 0.1);
    }

    [Fact]
    public void One_slow_launch_moves_neither_the_median_nor_its_standard_error()
    {
        // A preemption: the mean's standard error would be about 11 %; the median's stays 0.
        double[] times = [.. Enumerable.Repeat(1.0, 19), 50.0];
        Assert.Equal(0, TimingSummary.MedianRelativeStandardError(times));
    }
}
