using Portal.Kernels.Buffers;
using Portal.Kernels.Comparison;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

public class ComparisonTests
{
    private static readonly Tolerance Tight = new(1e-6, 1e-3);

    private static BufferComparison Compare(double[] expected, float[] actual, Tolerance? tolerance = null) =>
        OutputComparer.Compare(expected, HostBuffer.Float32("z", actual), tolerance ?? Tight);

    [Fact]
    public void Equal_outputs_have_no_mismatch_and_zero_error()
    {
        var result = Compare([1, 2, 3], [1, 2, 3]);
        Assert.True(result.Passed);
        Assert.Equal(new BufferComparison("z", 3, 0, 0, 0, null), result);
    }

    [Fact]
    public void An_error_within_atol_plus_rtol_times_expected_passes_and_just_beyond_fails()
    {
        // Bound at expected 1000: 1e-6 + 1e-3 · 1000 = 1.000001.
        Assert.True(Compare([1000], [1000.9f]).Passed);
        Assert.False(Compare([1000], [1001.1f]).Passed);
    }

    [Fact]
    public void Atol_governs_near_zero_where_rtol_gives_nothing()
    {
        Assert.True(Compare([0], [5e-7f]).Passed);
        Assert.False(Compare([0], [2e-6f]).Passed);
    }

    [Fact]
    public void Mismatches_are_counted_and_the_first_is_the_lowest_index()
    {
        var result = Compare([1, 2, 3, 4], [1, 0, 3, 9]);
        Assert.Equal(2, result.Mismatches);
        Assert.Equal(new Mismatch("z", 1, 2, 0), result.FirstMismatch);
        Assert.Equal(5, result.MaxAbsError);
        Assert.Equal(1.25, result.MaxRelError);
    }

    [Fact]
    public void The_first_mismatch_is_the_lowest_index_even_across_parallel_chunks()
    {
        var expected = Enumerable.Repeat(1.0, 1_000_000).ToArray();
        var actual = Enumerable.Repeat(1f, 1_000_000).ToArray();
        actual[999_999] = 0;
        actual[70_000] = 0;
        actual[200_000] = 0;
        var result = Compare(expected, actual);
        Assert.Equal(3, result.Mismatches);
        Assert.Equal(70_000, result.FirstMismatch!.Index);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Nan_or_infinity_where_a_finite_value_is_expected_is_a_mismatch_even_with_huge_tolerance(float bad)
    {
        var result = Compare([1, 2], [1, bad], new Tolerance(1e30, 0.09));
        Assert.Equal(1, result.Mismatches);
        Assert.Equal(double.PositiveInfinity, result.MaxAbsError);
        Assert.Equal(bad, result.FirstMismatch!.Actual);
    }

    [Fact]
    public void Relative_error_ignores_elements_whose_expected_value_is_zero()
    {
        var result = Compare([0, 4], [1e-7f, 5], new Tolerance(1, 0));
        Assert.Equal(0.25, result.MaxRelError);
        Assert.Equal(1, result.MaxAbsError);
    }

    [Fact]
    public void Int32_buffers_are_compared_exactly_whatever_the_tolerance()
    {
        var result = OutputComparer.Compare([5, 7, 0], HostBuffer.Int32("h", [5, 8, 0]), new Tolerance(10, 0.09));
        Assert.Equal(1, result.Mismatches);
        Assert.Equal(new Mismatch("h", 1, 7, 8), result.FirstMismatch);
    }

    [Fact]
    public void A_buffer_of_the_wrong_length_is_refused_rather_than_compared_in_part() =>
        Assert.Throws<ArgumentException>(() => Compare([1, 2, 3], [1, 2]));

    [Fact]
    public void Wrong_elements_that_share_nothing_name_no_pattern()
    {
        Assert.Null(Compare([1, 2, 3, 4], [1, 5, 3, -7]).Pattern);
        Assert.Null(Compare([1, 2, 3], [1, 2, 3]).Pattern); // passed
    }

    [Fact]
    public void An_int32_output_off_by_one_everywhere_is_a_constant_offset()
    {
        var result = OutputComparer.Compare([5, 7, 0], HostBuffer.Int32("h", [6, 8, 1]), new Tolerance(0, 0));
        Assert.Equal(new MismatchPattern(MismatchPatterns.ConstantOffset), result.Pattern! with { Parameters = null });
        Assert.Equal(1, result.Pattern.Parameters!["offset"]);
    }

    [Fact]
    public void A_negated_output_is_scaled_by_minus_one_and_a_swapped_pair_is_permuted()
    {
        Assert.Equal(-1, Compare([1, -2, 3], [-1, 2, -3]).Pattern!.Parameters!["factor"]);
        Assert.Equal(MismatchPatterns.Permuted, Compare([1, 2, 3, 4], [1, 3, 2, 4]).Pattern!.Code);
    }
}
