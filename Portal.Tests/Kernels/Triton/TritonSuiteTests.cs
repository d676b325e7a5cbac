using System.Text.RegularExpressions;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.Triton;

/// <summary>The triton conformance suite as embedded: one module and spec per op, each valid and matching its kernel.</summary>
public partial class TritonSuiteTests
{
    private static readonly SuiteFiles Suite = new("triton", "py");

    public static TheoryData<string> Ops() => SuiteFiles.Ops();

    public static TheoryData<string> Kernels() => SuiteFiles.Kernels();

    [GeneratedRegex(@"@triton\.jit\s*\ndef\s+(\w+)\s*\(([^)]*)\)\s*:")]
    private static partial Regex JitFunction();

    /// <summary>The harness passes the args positionally and the constexprs by name: both must match the signature.</summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_entry_is_a_jit_function_taking_the_args_in_order_then_the_constexprs(string name)
    {
        var spec = Suite.Validated(name);
        var kernel = Assert.Single(JitFunction().Matches(spec.Source));
        Assert.Equal(spec.Entry, kernel.Groups[1].Value);
        var parameters = kernel.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var constexprs = parameters.Where(p => p.EndsWith("tl.constexpr", StringComparison.Ordinal)).ToList();
        Assert.Equal(spec.Args, SuiteFiles.ParameterNames(string.Join(',', parameters.Except(constexprs))));
        Assert.Equal(spec.Launch.Constexprs!.Keys.Order(StringComparer.Ordinal),
            SuiteFiles.ParameterNames(string.Join(',', constexprs)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Matmul_keeps_full_float32_precision_so_integer_inputs_stay_exact()
    {
        Assert.Contains("input_precision=\"ieee\"", Suite.Source("matmul"));
    }

    /// <summary>A grid that covers the data with BLOCK-sized programs must use the same BLOCK the kernel is given.</summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void A_grid_that_divides_by_a_block_divides_by_the_kernels_block(string name)
    {
        var spec = Suite.Validated(name);
        foreach (var dimension in spec.Launch.Grid!.Select(g => g.Text))
        {
            var divisor = Regex.Match(dimension, @"ceil_div\(\w+, (\d+)\)");
            if (divisor.Success)
                Assert.Contains(long.Parse(divisor.Groups[1].Value), spec.Launch.Constexprs!.Values.Select(v => v.Evaluate(spec.Cases[0].Ints)));
        }
    }
}
