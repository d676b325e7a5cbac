using System.Text.RegularExpressions;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.Cuda;

/// <summary>The cuda-c conformance suite as embedded: one kernel and spec per op, each valid and matching its kernel.</summary>
public partial class CudaSuiteTests
{
    private static readonly SuiteFiles Suite = new("cuda-c", "cu");

    public static TheoryData<string> Ops() => SuiteFiles.Ops();

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?(\w+)\s*\(([^)]*)\)")]
    private static partial Regex Entry();

    [Fact]
    public void Every_op_has_one_kernel_and_one_spec()
    {
        Suite.HasExactlyOneKernelAndSpecPerOp();
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_spec_file_has_no_source_and_names_cuda_c(string op)
    {
        Suite.SpecFileLeavesTheSourceToItsKernelFile(op);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_spec_with_its_kernel_source_validates(string op)
    {
        var spec = Suite.Validated(op);
        Assert.Equal(KernelLanguage.CudaC, spec.Language);
        Assert.Equal(op, spec.Op.Name);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void The_entry_is_an_unmangled_kernel_whose_parameters_are_the_args_in_order(string op)
    {
        var spec = Suite.Validated(op);
        var kernels = Entry().Matches(spec.Source);
        var kernel = Assert.Single(kernels);
        Assert.Equal(spec.Entry, kernel.Groups[1].Value);
        Assert.Equal(spec.Args, SuiteFiles.ParameterNames(kernel.Groups[2].Value));
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
    public void Kernels_ask_for_nothing_that_would_loosen_float_accuracy()
    {
        Assert.All(OpCatalog.Names, op =>
        {
            var source = Suite.Source(op);
            Assert.DoesNotContain("__expf", source);
            Assert.DoesNotContain("__tanhf", source);
            Assert.DoesNotContain("#include", source);
        });
    }
}
