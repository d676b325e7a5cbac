using System.Runtime.InteropServices;
using System.Text;
using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl.Interop;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// Runs opencl-c kernels: compiles the source with the device's own driver (so the verdict is about that
/// driver's compiler, as a user of the device would meet it) and launches on a profiling queue.
/// </summary>
public sealed class OpenClExecutor : IKernelExecutor
{
    /// <summary>The spec's language is OpenCL C 1.2, whatever newer default the driver has.</summary>
    private const string BuildOptions = "-cl-std=CL1.2";

    public KernelLanguage Language => KernelLanguage.OpenClC;

    /// <summary>True for an OpenCL device of this host that is available and has a compiler.</summary>
    public bool SupportsDevice(DeviceInfo device) =>
        device.Id.StartsWith(OpenClDiscovery.IdPrefix, StringComparison.Ordinal)
        && OpenClDiscovery.Find(device.Id)?.Languages.Contains(Language.Name()) == true;

    public Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken) =>
        Task.Run(() => Prepare(spec, device.Id, cancellationToken), cancellationToken);

    private Preparation Prepare(ValidatedSpec spec, string deviceId, CancellationToken cancellationToken)
    {
        OpenClDevice? described;
        (IntPtr Platform, IntPtr Device)? located;
        try
        {
            described = OpenClDiscovery.Find(deviceId);
            located = OpenClDiscovery.Locate(deviceId);
        }
        catch (DllNotFoundException)
        {
            return Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, "no OpenCL runtime is installed on this host"));
        }
        if (described is null || located is not { } native)
            return Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, $"this host has no OpenCL device {deviceId}"));

        OpenClContext? context = null;
        ClProgramHandle? program = null;
        ClKernelHandle? kernel = null;
        try
        {
            var extensions = ClInfo.DeviceText(native.Device, ClInfo.DeviceExtensions);
            if (HalfArithmetic.BeforeBuild(spec.Source, extensions, described.Name) is { } needsFp16)
                return Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, needsFp16));
            context = OpenClContext.Create(native.Device);
            program = context.CreateProgram(spec.Source);
            var built = OpenClNative.clBuildProgram(program, 1, [native.Device], BuildOptions, IntPtr.Zero, IntPtr.Zero);
            cancellationToken.ThrowIfCancellationRequested();
            var log = BuildLog(program, native.Device);
            if (built is ClStatus.BuildProgramFailure or ClStatus.CompileProgramFailure
                && HalfArithmetic.AfterFailedBuild(log, extensions, described.Name) is { } computesInHalf)
                return Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported, computesInHalf, log));
            if (built is ClStatus.BuildProgramFailure or ClStatus.CompileProgramFailure)
                return Preparation.Failed(new ExecutionFailure(FailureKind.CompileError, CompileMessage(built, log), log));
            if (built == ClStatus.InvalidBuildOptions)
                return Preparation.Failed(new ExecutionFailure(FailureKind.Unsupported,
                    $"the device's compiler does not accept OpenCL C 1.2 ({BuildOptions}); it offers {described.OpenClCVersion}", log));
            context.Check(built, "clBuildProgram");

            kernel = OpenClNative.clCreateKernel(program, spec.Entry, out var status);
            if (status is ClStatus.InvalidKernelName)
                return Preparation.Failed(new ExecutionFailure(FailureKind.CompileError,
                    $"the source has no __kernel function named '{spec.Entry}'{Defined(program)}", log));
            if (status != ClStatus.Success)
                return Preparation.Failed(new ExecutionFailure(FailureKind.CompileError,
                    $"'{spec.Entry}' cannot be used as a kernel: {ClStatus.Name(status)} ({status})", log));
            var parameters = ClInfo.Number((nuint s, byte[]? v, out nuint r) =>
                OpenClNative.clGetKernelInfo(kernel, ClInfo.KernelNumArgs, s, v, out r), "clGetKernelInfo");
            if ((int)parameters != spec.Args.Count)
                return Preparation.Failed(new ExecutionFailure(FailureKind.CompileError,
                    $"kernel '{spec.Entry}' takes {parameters} parameters but args lists {spec.Args.Count} ({string.Join(", ", spec.Args)})", log));

            var flushBytes = CacheFlush.SizeFor(described.Type, described.GlobalMemoryCacheBytes, described.MaxAllocationBytes,
                described.GlobalMemoryBytes);
            var prepared = Preparation.Ready(new OpenClKernel(context, program, kernel, log, flushBytes));
            (context, program, kernel) = (null, null, null); // owned by the prepared kernel now
            return prepared;
        }
        catch (OpenClException e)
        {
            return Preparation.Failed(new ExecutionFailure(FailureKind.RuntimeError, $"setting up {deviceId}: {e.Message}"));
        }
        finally
        {
            kernel?.Dispose();
            program?.Dispose();
            context?.Dispose();
        }
    }

    /// <summary>The driver's build log, or null when it wrote nothing.</summary>
    private static string? BuildLog(ClProgramHandle program, IntPtr device)
    {
        var log = ClInfo.Text((nuint s, byte[]? v, out nuint r) =>
            OpenClNative.clGetProgramBuildInfo(program, device, ClInfo.ProgramBuildLog, s, v, out r), "clGetProgramBuildInfo");
        return string.IsNullOrWhiteSpace(log) ? null : log;
    }

    /// <summary>One line for the result: the log's first error, which is usually the one to fix.</summary>
    private static string CompileMessage(int status, string? log)
    {
        var firstError = log?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        var detail = firstError is null ? $"{ClStatus.Name(status)}, see the compile log"
            : firstError.Length > 300 ? firstError[..300] + "…" : firstError;
        return $"the device's OpenCL C compiler rejected the source: {detail}";
    }

    private static string Defined(ClProgramHandle program)
    {
        var names = ClInfo.Text((nuint s, byte[]? v, out nuint r) =>
            OpenClNative.clGetProgramInfo(program, ClInfo.ProgramKernelNames, s, v, out r), "clGetProgramInfo");
        return string.IsNullOrWhiteSpace(names) ? "; it defines no kernels" : $"; it defines: {names.Replace(";", ", ")}";
    }
}
