namespace Portal.Kernels.Cuda;

/// <summary>An NVIDIA device's compute capability, e.g. 9.0 for Hopper (H100, H200).</summary>
public readonly record struct ComputeCapability(int Major, int Minor)
{
    /// <summary>The number in sm_XY / compute_XY names: 90 for 9.0, 120 for 12.0.</summary>
    public int Architecture => Major * 10 + Minor;

    public override string ToString() => $"{Major}.{Minor}";
}

/// <summary>What NVRTC is asked to produce for a device: machine code (CUBIN) or PTX for the driver to compile.</summary>
/// <param name="Options">The nvrtcCompileProgram options.</param>
/// <param name="EmitsCubin">True for sm_XY (load the CUBIN as is); false for compute_XY (load the PTX).</param>
internal sealed record NvrtcTarget(IReadOnlyList<string> Options, bool EmitsCubin)
{
    public string Architecture => Options[0]["--gpu-architecture=".Length..];
}

/// <summary>
/// Chooses the nvrtcCompileProgram options for a device. Machine code for the device's own architecture is
/// preferred: it needs no JIT at load time, and PTX from an NVRTC newer than the driver would not load at all.
/// When this NVRTC predates the device, the newest PTX it can write is loaded instead and the driver compiles it
/// forward. No fast-math: gelu's tolerance rejects approximate tanh on purpose.
/// </summary>
internal static class NvrtcOptions
{
    /// <param name="supportedArchitectures">What nvrtcGetSupportedArchs reports, e.g. 75, 80, 86, 89, 90, 100, 120.</param>
    /// <param name="includeFolders">Where the toolkit's headers are (<see cref="CudaToolkitHeaders.Find"/>): NVRTC
    /// searches no folder of its own for cuda_fp16.h, cuda_bf16.h and cuda_fp8.h.</param>
    /// <returns>The target, or null with <paramref name="problem"/> when NVRTC cannot target the device at all.</returns>
    public static NvrtcTarget? For(ComputeCapability device, IReadOnlyCollection<int> supportedArchitectures, out string? problem,
        IReadOnlyList<string>? includeFolders = null)
    {
        problem = null;
        var includes = (includeFolders ?? []).Select(folder => $"--include-path={folder}");
        if (supportedArchitectures.Contains(device.Architecture))
            return new NvrtcTarget([$"--gpu-architecture=sm_{device.Architecture}", .. includes], EmitsCubin: true);
        var older = supportedArchitectures.Where(a => a < device.Architecture).ToList();
        if (older.Count > 0)
            return new NvrtcTarget([$"--gpu-architecture=compute_{older.Max()}", .. includes], EmitsCubin: false);
        problem = $"this NVRTC targets {Describe(supportedArchitectures)}, nothing a compute capability {device} device " +
            $"can run; use an NVRTC from a CUDA release that still supports compute capability {device}";
        return null;
    }

    private static string Describe(IReadOnlyCollection<int> architectures) => architectures.Count == 0
        ? "no architectures"
        : $"sm_{architectures.Min()} to sm_{architectures.Max()}";
}
