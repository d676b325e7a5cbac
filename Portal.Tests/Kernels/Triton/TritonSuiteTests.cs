using System.Text.RegularExpressions;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.Triton;

/// <summary>The triton conformance suite as embedded: one module and spec per op, each valid and matching its kernel.</summary>
public partial class TritonSuiteTests
{
    private static readonly SuiteFiles Suite = new("triton", "py");

    public static TheoryData<string> Ops() => SuiteFiles.Ops();

    [GeneratedRegex(@"@triton\.jit\s*\ndef\s+(\w+)\s*\(([^)]*)\)\s*:")]
    private static partial Regex JitFunction();

    [Fact]
    public void Every_op_has_one_module_and_one_spec()
    {
        Suite.HasExactlyOneKernelAndSpecPerOp();
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_spec_file_has_no_source_and_names_triton(string op)
    {
        Suite.SpecFileLeavesTheSourceToItsKernelFile(op);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_spec_with_its_module_source_validates(string op)
    {
        var spec = Suite.Validated(op);
        Assert.Equal(KernelLanguage.Triton, spec.Language);
        Assert.Equal(op, spec.Op.Name);
    }

    /// <summary>The harness passes the args positionally and the constexprs by name: both must match the signature.</summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void The_entry_is_a_jit_function_taking_the_args_in_order_then_the_constexprs(string op)
    {
        var spec = Suite.Validated(op);
        var kernel = Assert.Single(JitFunction().Matches(spec.Source));
        Assert.Equal(spec.Entry, kernel.Groups[1].Value);
        var parameters = kernel.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var constexprs = parameters.Where(p => p.EndsWith("tl.constexpr", StringComparison.Ordinal)).ToList();
        Assert.Equal(spec.Args, SuiteFiles.ParameterNames(string.Join(',', parameters.Except(constexprs))));
        Assert.Equal(spec.Launch.Constexprs!.Keys.Order(StringComparer.Ordinal),
            SuiteFiles.ParameterNames(string.Join(',', constexprs)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_cases_start_with_one_element_include_an_odd_size_and_end_large_enough_to_time(string op)
    {
        Suite.CasesCoverTheEdgesAndEndLarge(op);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_checked_case_can_tell_a_zero_writer_from_a_kernel(string op)
    {
        Suite.SmallCasesCanTellAZeroWriterFromAKernel(op);
    }

    [Fact]
    public void Vector_add_is_timed_at_two_to_the_28_elements_to_measure_near_peak_bandwidth()
    {
        Assert.Equal(1L << 28, Suite.Validated("vector_add").Cases[^1].Int("n"));
    }

    [Fact]
    public void Matmul_keeps_full_float32_precision_so_integer_inputs_stay_exact()
    {
        Assert.Contains("input_precision=\"ieee\"", Suite.Source("matmul"));
    }

    /// <summary>A grid that covers the data with BLOCK-sized programs must use the same BLOCK the kernel is given.</summary>
    [Theory]
    [MemberData(nameof(Ops))]
    public void A_grid_that_divides_by_a_block_divides_by_the_kernels_block(string op)
    {
        var spec = Suite.Validated(op);
        foreach (var dimension in spec.Launch.Grid!.Select(g => g.Text))
        {
            var divisor = Regex.Match(dimension, @"ceil_div\(\w+, (\d+)\)");
            if (divisor.Success)
                Assert.Contains(long.Parse(divisor.Groups[1].Value), spec.Launch.Constexprs!.Values.Select(v => v.Evaluate(spec.Cases[0].Ints)));
        }
    }
}
