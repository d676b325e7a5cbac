using System.Text.RegularExpressions;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// DESIGN.md "Spec v2": f16 buffers are storage, read and written with <c>vload_half</c>/<c>vstore_half</c>, which core
/// OpenCL C has; arithmetic in <c>half</c> needs <c>cl_khr_fp16</c>. A kernel that asks for it on a device without it
/// is <c>unsupported</c>, naming the extension, never a compile error (the kernel may be right, the device cannot run
/// it): when the source enables the extension, before any build; otherwise when the build fails over <c>half</c> (PoCL
/// here: "declaring variable of type '__private half' is not allowed").
/// </summary>
public static partial class HalfArithmetic
{
    public const string Extension = "cl_khr_fp16";

    [GeneratedRegex(@"#\s*pragma\s+OPENCL\s+EXTENSION\s+(cl_khr_fp16|all)\s*:\s*enable")]
    private static partial Regex EnablesFp16();

    // clang's words for half used as a value type where the extension is missing; and any mention of the extension.
    [GeneratedRegex(@"type '[^']*\bhalf\d*\b[^']*' is not allowed|cl_khr_fp16|half precision (arithmetic|constant)")]
    private static partial Regex HalfRefused();

    /// <summary>Whether the device's CL_DEVICE_EXTENSIONS (space-separated) include <see cref="Extension"/>.</summary>
    public static bool Supported(string deviceExtensions) =>
        deviceExtensions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(Extension, StringComparer.Ordinal);

    /// <summary>Before the build: the unsupported message when the source enables <c>cl_khr_fp16</c> and the device lacks it; else null.</summary>
    public static string? BeforeBuild(string source, string deviceExtensions, string deviceName) =>
        !Supported(deviceExtensions) && EnablesFp16().IsMatch(source)
            ? $"the kernel enables {Extension} (arithmetic in half), which {deviceName} does not offer; " + Advice
            : null;

    /// <summary>After a failed build: the unsupported message when the log refuses <c>half</c> and the device lacks the extension; else null.</summary>
    public static string? AfterFailedBuild(string? log, string deviceExtensions, string deviceName) =>
        !Supported(deviceExtensions) && log is not null && HalfRefused().IsMatch(log)
            ? $"the kernel computes in half, which needs {Extension}, and {deviceName} does not offer it; " + Advice
            : null;

    private const string Advice = "keep f16 buffers as storage (vload_half/vstore_half) and compute in float";
}
