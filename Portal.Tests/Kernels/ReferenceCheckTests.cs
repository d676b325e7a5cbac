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
    public void A_float_reference_element_within_ten_times_the_tolerance_makes_the_case_unusable()
    {
        var problem = Check("vector_add", [0.5, 0.09, 100], new Tolerance(0.01, 0));
        Assert.NotNull(problem);
        Assert.Contains("z[1] = 0.09", problem);
        Assert.Contains("writing zeros could pass", problem);
    }

    [Fact]
    public void A_zero_in_a_float_reference_is_unusable_even_with_zero_tolerance() =>
        Assert.NotNull(Check("transpose", [1, 0, 2], new Tolerance(0, 0)));

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
