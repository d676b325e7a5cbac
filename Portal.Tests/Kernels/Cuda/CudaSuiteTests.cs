using System.Text.RegularExpressions;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.Cuda;

/// <summary>The cuda-c conformance suite as embedded: one kernel and spec per op, each valid and matching its kernel.</summary>
public partial class CudaSuiteTests
{
    private static readonly SuiteFiles Suite = new("cuda-c", "cu");

    public static TheoryData<string> Ops() => SuiteFiles.Ops();

    public static TheoryData<string> Kernels() => SuiteFiles.Kernels();

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?(\w+)\s*\(([^)]*)\)")]
    private static partial Regex Entry();

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_entry_is_an_unmangled_kernel_whose_parameters_are_the_args_in_order(string name)
    {
        var spec = Suite.Validated(name);
        var kernels = Entry().Matches(spec.Source);
        var kernel = Assert.Single(kernels);
        Assert.Equal(spec.Entry, kernel.Groups[1].Value);
        Assert.Equal(spec.Args, SuiteFiles.ParameterNames(kernel.Groups[2].Value));
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
