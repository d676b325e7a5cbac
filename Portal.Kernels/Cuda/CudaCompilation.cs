using System.Runtime.InteropServices;
using System.Text;
using Portal.Kernels.Cuda.Native;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Cuda;

/// <summary>A kernel compiled, loaded into a context and found by name; or why it could not be.</summary>
internal sealed record CudaCompilationResult(CudaModule? Module, IntPtr Function, string? Log, ExecutionFailure? Failure);

/// <summary>
/// Source → NVRTC → CUBIN (or PTX) → cuModuleLoadDataEx → cuModuleGetFunction. Everything that is the submitted
/// code's fault (it does not compile, the driver cannot load what NVRTC made of it, the entry is not there) comes
/// back as a compile error with the compiler's or the JIT's log.
/// </summary>
internal static class CudaCompilation
{
    private const int JitLogBytes = 16 * 1024;

    public static CudaCompilationResult Build(NvrtcApi nvrtc, CudaPrimaryContext context, string source, string entry, NvrtcTarget target)
    {
        using var program = NvrtcProgram.Create(nvrtc, source, Execution.HostPaths.CudaSource);
        var compiled = nvrtc.nvrtcCompileProgram(program.Pointer, target.Options.Count, [.. target.Options]);
        var log = ProgramLog(nvrtc, program);
        if (compiled == NvrtcApi.CompilationError)
            return Failed($"NVRTC could not compile the source for {target.Architecture}: {FirstError(log)}", log);
        nvrtc.Check(compiled, nameof(nvrtc.nvrtcCompileProgram));

        var image = target.EmitsCubin
            ? Bytes(nvrtc, program, nvrtc.nvrtcGetCUBINSize, nvrtc.nvrtcGetCUBIN, nameof(nvrtc.nvrtcGetCUBIN))
            : Bytes(nvrtc, program, nvrtc.nvrtcGetPTXSize, nvrtc.nvrtcGetPTX, nameof(nvrtc.nvrtcGetPTX));
        return Load(context, image, entry, string.IsNullOrWhiteSpace(log) ? null : log);
    }

    private static CudaCompilationResult Load(CudaPrimaryContext context, byte[] image, string entry, string? compileLog)
    {
        var api = context.Api;
        var jitLog = Marshal.AllocHGlobal(JitLogBytes);
        try
        {
            Marshal.WriteByte(jitLog, 0);
            var loaded = api.cuModuleLoadDataEx(out var pointer, image, 2,
                [CudaDriverApi.JitErrorLogBuffer, CudaDriverApi.JitErrorLogBufferSizeBytes], [jitLog, JitLogBytes]);
            if (loaded != CudaDriverApi.Success)
            {
                var jit = Marshal.PtrToStringUTF8(jitLog);
                return Failed($"the driver could not load the compiled kernel: {api.Error(loaded, nameof(api.cuModuleLoadDataEx)).Message}",
                    string.IsNullOrWhiteSpace(jit) ? compileLog : jit);
            }
            var module = new CudaModule(context, pointer);
            var found = api.cuModuleGetFunction(out var function, module.Pointer, entry);
            if (found == CudaDriverApi.Success)
                return new CudaCompilationResult(module, function, compileLog, null);
            module.Dispose();
            if (found != CudaDriverApi.NotFound)
                throw api.Error(found, nameof(api.cuModuleGetFunction));
            return Failed($"the compiled source has no kernel named '{entry}'; declare it as extern \"C\" __global__ void {entry}(...) " +
                "so that its name is not mangled", compileLog);
        }
        finally
        {
            Marshal.FreeHGlobal(jitLog);
        }
    }

    private static CudaCompilationResult Failed(string message, string? log) =>
        new(null, IntPtr.Zero, log, new ExecutionFailure(FailureKind.CompileError, message, log));

    private static string ProgramLog(NvrtcApi nvrtc, NvrtcProgram program) =>
        Encoding.UTF8.GetString(Bytes(nvrtc, program, nvrtc.nvrtcGetProgramLogSize, nvrtc.nvrtcGetProgramLog,
            nameof(nvrtc.nvrtcGetProgramLog))).TrimEnd('\0', '\n', ' ');

    /// <summary>A size-then-copy pair of NVRTC calls. PTX and the log come with their terminating NUL, which the driver needs for PTX.</summary>
    private static byte[] Bytes(NvrtcApi nvrtc, NvrtcProgram program, NvrtcApi.SizeFn size, NvrtcApi.BytesFn copy, string name)
    {
        nvrtc.Check(size(program.Pointer, out var length), name + "Size");
        var bytes = new byte[(int)length];
        if (length > 0)
            nvrtc.Check(copy(program.Pointer, bytes), name);
        return bytes;
    }

    /// <summary>The log's first error line, for the one-line message; the whole log goes with the result.</summary>
    internal static string FirstError(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
            ?? lines.FirstOrDefault()
            ?? "NVRTC gave no log";
    }
}
