using Portal.Kernels.Comparison;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

public class ReferenceCheckTests
{
    private static string? Check(string op, double[] values, Tolerance? tolerance = null)
    {
        var definition = OpCatalog.Get(op);
        var output = definition.Outputs.Single().Name;
        return ReferenceCheck.FindProblem(definition, new Dictionary<string, double[]> { [output] = values },
            tolerance ?? definition.DefaultTolerance);
    }

    [Fact]
    public void A_float_reference_ten_times_above_the_tolerance_everywhere_is_usable() =>
        Assert.Null(Check("vector_add", [0.5, -3, 100], new Tolerance(0.01, 0.001)));

    [Fact]
    public void Zeros_and_small_elements_in_a_float_reference_are_normal_while_most_of_the_buffer_is_distinct() =>
        // saxpy with a = -0.75 on integer-valued inputs gives exact zeros now and then (issue 10): still a usable case.
        Assert.Null(Check("saxpy", [0, 1.5, -3, 0.09, 100, 7], new Tolerance(0.01, 0)));

    [Fact]
    public void A_float_reference_most_of_whose_elements_lie_within_ten_times_the_tolerance_makes_the_case_unusable()
    {
        var problem = Check("vector_add", [0.5, 0.09, 0.05, 0.02], new Tolerance(0.01, 0));
        Assert.NotNull(problem);
        Assert.Contains("only 1 of 4 elements of reference z", problem);
        Assert.Contains("a kernel writing zeros would match most of z", problem);
    }

    [Fact]
    public void An_all_zero_float_reference_is_unusable_even_with_zero_tolerance() =>
        Assert.Contains("only 0 of 3", Check("transpose", [0, 0, 0], new Tolerance(0, 0)));

    [Fact]
    public void Rtol_counts_toward_the_margin() =>
        // |e| = 1 against 10·(0 + 0.09·1) = 0.9 passes; against 10·(0.02 + 0.09) = 1.1 it does not.
        Assert.Equal([true, false], new[] { 0.0, 0.02 }.Select(atol => Check("vector_add", [1], new Tolerance(atol, 0.09)) is null));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e39)]
    public void A_reference_that_float32_cannot_hold_is_unusable(double value) =>
        Assert.Contains("cannot hold", Check("vector_add", [1, value]));

    [Fact]
    public void An_int_reference_with_one_nonzero_count_is_usable() =>
        Assert.Null(Check("histogram", [0, 0, 1, 0]));

    [Fact]
    public void An_all_zero_int_reference_is_unusable() =>
        Assert.Contains("all zeros", Check("histogram", [0, 0, 0]));

    [Fact]
    public void An_int_reference_beyond_int32_is_unusable() =>
        Assert.Contains("overflows int32", Check("prefix_sum", [1, 2147483648]));
}
