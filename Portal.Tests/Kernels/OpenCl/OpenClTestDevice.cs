using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// The OpenCL device the tests run on: the first one that accepts opencl-c, PoCL on the development and CI
/// machines (the pocl-opencl-icd package). Tests fail, rather than skip, on a machine without one.
/// </summary>
internal static class OpenClTestDevice
{
    private static readonly Lazy<OpenClDevice> First = new(() =>
    {
        var scan = OpenClDiscovery.Discover();
        return scan.Devices.FirstOrDefault(d => d.Languages.Contains("opencl-c"))
            ?? throw new InvalidOperationException(
                "no OpenCL device that compiles OpenCL C; install an ICD such as pocl-opencl-icd. " + string.Join("; ", scan.Problems));
    });

    public static OpenClDevice Device => First.Value;

    public static DeviceInfo Info => Device.ToDeviceInfo();

    public static Task<KernelResult> Run(KernelSpec spec) =>
        new KernelRunner(new OpenClExecutor()).RunAsync(spec, Info, CancellationToken.None);

    /// <summary>The built-in suite's opencl-c kernel for an op.</summary>
    /// <param name="kernel">An op (its f32 kernel) or a dtype variant, <c>matmul.bf16</c>.</param>
    public static SuiteEntry Suite(string kernel) => ConformanceSuite.For(KernelLanguage.OpenClC).Single(e => e.Name == kernel);
}

/// <summary>
/// In-process OpenCL tests run alone: PoCL's worker threads overflowed their stack when these ran beside the
/// other test classes' heavy reference computations (seen as "Test host process crashed: Stack overflow").
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenClCollection
{
    public const string Name = "OpenCL device";
}
