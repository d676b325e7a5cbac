using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>The built-in opencl-c suite: complete, valid, and passing on the test device.</summary>
[Collection(OpenClCollection.Name)]
public class OpenClSuiteTests
{
    public static TheoryData<string> Kernels() => SuiteFiles.Kernels();

    [Fact]
    public void The_suite_has_one_opencl_kernel_per_op_in_catalog_order_each_followed_by_its_dtype_variants()
    {
        var entries = ConformanceSuite.For(KernelLanguage.OpenClC);

        Assert.Equal(SuiteFiles.KernelNames(), entries.Select(e => e.Name));
        Assert.Equal(OpCatalog.Names, entries.Where(e => e.Dtype == "f32").Select(e => e.Op));
        Assert.All(entries, e => Assert.Equal((e.Op, "opencl-c", e.Dtype), (e.Spec.Op!, e.Spec.Language!, e.Spec.Dtype ?? "f32")));
        Assert.Equal(("matmul", "bf16", "f32"), (ConformanceSuite.Plain(KernelLanguage.OpenClC, "matmul")!.Name, OpenClTestDevice.Suite("matmul.bf16").Dtype,
            OpenClTestDevice.Suite("matmul.bf16").Spec.Dtypes!["c"]));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Each_spec_is_valid_with_its_source_and_has_a_one_element_case_and_an_odd_size(string kernel)
    {
        var spec = OpenClTestDevice.Suite(kernel).Spec;
        var validation = KernelSpecValidator.Validate(spec);

        Assert.True(validation.IsValid, validation.Message);
        Assert.Contains($"__kernel", spec.Source);
        Assert.Contains(spec.Entry!, spec.Source);
        var cases = validation.Spec!.Cases;
        Assert.InRange(cases.Count, 4, 32);
        Assert.Contains(cases, c => SmallestCases.IsSmallest(validation.Spec.Op, c));
        // A size that no work-group or tile shape divides: the tail path of every kernel is exercised.
        Assert.Contains(cases, c => c.Ints.Values.Any(v => v % 16 != 0 && v > 16));
    }

    /// <summary>The f32 kernels and the dtype variants (bf16 as ushort bits converted in the kernel, f16 read with vload_half).</summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task Each_suite_kernel_passes_on_the_OpenCL_device_and_is_timed(string kernel)
    {
        var entry = OpenClTestDevice.Suite(kernel);
        var op = entry.Op;

        var result = await OpenClTestDevice.Run(entry.Spec);

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Equal(entry.Spec.Cases!.Count, result.Cases!.Count);
        // Every op runs with its default inputs and with each of its adversarial distributions, named in the result.
        Assert.Equal(OpCatalog.Get(op).DistributionNames.Order(), result.Cases!.Select(c => c.Distribution!).Distinct().Order());
        Assert.Equal(OpenClTestDevice.Info, result.Device);
        var timing = result.Timing!;
        // A full batch, unless the 2 s device-time budget would not fit one (a large case on a CPU device).
        Assert.True(timing.Iterations >= entry.Spec.Timing!.Iterations || timing.StoppedBy == TimingStops.Budget,
            $"{timing.Iterations} launches, stopped by {timing.StoppedBy}");
        Assert.True(timing.MedianMs > 0 && timing.GbPerSecond > 0, $"median {timing.MedianMs} ms, {timing.GbPerSecond} GB/s");
        Assert.Equal(entry.Dtype, timing.Dtype);
    }

    [Fact]
    public void Suite_resources_are_found_under_the_names_MSBuild_gives_them()
    {
        var names = typeof(ConformanceSuite).Assembly.GetManifestResourceNames();

        // RootNamespace + path, with the folder "opencl-c" made an identifier.
        Assert.Contains("Portal.Kernels.Suite.opencl_c.vector_add.cl", names);
        Assert.Contains("Portal.Kernels.Suite.opencl_c.vector_add.spec.json", names);
    }
}
