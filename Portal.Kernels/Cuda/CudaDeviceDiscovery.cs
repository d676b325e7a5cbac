using System.Globalization;
using System.Text;
using Portal.Kernels.Cuda.Native;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Kernels.Cuda;

/// <summary>An NVIDIA device as the CUDA driver reports it.</summary>
/// <param name="Info">Id "cuda:&lt;ordinal&gt;", the name, vendor NVIDIA, the software stack as Runtime (e.g. "CUDA 13.0; NVRTC 13.0;
/// Triton 3.6.0 (torch 2.11.0+cu130, sandboxed)") and the kernel driver's version.</param>
/// <param name="CudaVersion">The CUDA version the driver supports (cuDriverGetVersion), e.g. "13.0".</param>
/// <param name="Languages">What can run on it here: cuda-c when NVRTC loads, triton when the Triton runtime is usable.</param>
public sealed record CudaDevice(
    int Ordinal,
    DeviceInfo Info,
    ComputeCapability ComputeCapability,
    long TotalMemoryBytes,
    int MultiprocessorCount,
    string CudaVersion,
    IReadOnlyList<KernelLanguage> Languages)
{
    public const string IdPrefix = "cuda:";

    public static string IdFor(int ordinal) => IdPrefix + ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ordinal in "cuda:3"; false for any other id (an OpenCL device, say).</summary>
    public static bool TryParseId(string id, out int ordinal)
    {
        ordinal = -1;
        return id.StartsWith(IdPrefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(IdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out ordinal);
    }
}

/// <param name="Devices">Empty when there is no usable CUDA driver or device.</param>
/// <param name="Reason">Why there are no devices, or what is missing for some languages (NVRTC); null when all is well.</param>
public sealed record CudaDiscovery(IReadOnlyList<CudaDevice> Devices, string? Reason);

/// <summary>Lists CUDA devices through the driver API. Never throws for a missing or broken driver: that is the reason.</summary>
public static class CudaDeviceDiscovery
{
    /// <param name="triton">The Triton runtime's probe, when the host checked it; triton is listed only when it is usable.</param>
    public static CudaDiscovery Discover(CudaLibraryNames? libraries = null, TritonRuntimeStatus? triton = null)
    {
        var loaded = CudaLibraries.Load(libraries ?? CudaLibraryNames.Default);
        if (loaded.Driver is not { } api)
            return new CudaDiscovery([], loaded.DriverProblem);
        try
        {
            return List(api, loaded, triton);
        }
        catch (Exception e) when (e is CudaException or NvrtcException or DllNotFoundException or EntryPointNotFoundException)
        {
            return new CudaDiscovery([], $"the CUDA driver could not list its devices: {e.Message}");
        }
    }

    private static CudaDiscovery List(CudaDriverApi api, CudaLibraries loaded, TritonRuntimeStatus? triton)
    {
        api.Check(api.cuDriverGetVersion(out var version), nameof(api.cuDriverGetVersion));
        var cudaVersion = FormatCudaVersion(version);
        api.Check(api.cuDeviceGetCount(out var count), nameof(api.cuDeviceGetCount));
        if (count == 0)
            return new CudaDiscovery([], $"the CUDA {cudaVersion} driver found no devices");

        var nvrtcVersion = loaded.Nvrtc?.Version();
        var tritonUsable = triton is { IsUsable: true };
        var languages = new List<KernelLanguage>();
        if (loaded.Nvrtc is not null)
            languages.Add(KernelLanguage.CudaC);
        if (tritonUsable)
            languages.Add(KernelLanguage.Triton);
        var runtime = string.Join("; ", new[]
        {
            $"CUDA {cudaVersion}",
            nvrtcVersion is null ? null : $"NVRTC {nvrtcVersion}",
            // Whether submitted Python ran confined travels with every result measured on the device.
            tritonUsable
                ? $"Triton {triton!.TritonVersion} (torch {triton.TorchVersion}, {(triton.Sandbox.InForce ? "sandboxed" : "unsandboxed")})"
                : null,
        }.OfType<string>());
        var driver = KernelDriverVersion() ?? $"CUDA {cudaVersion} driver";

        var devices = new List<CudaDevice>();
        for (var ordinal = 0; ordinal < count; ordinal++)
        {
            api.Check(api.cuDeviceGet(out var device, ordinal), nameof(api.cuDeviceGet));
            var name = new byte[256];
            api.Check(api.cuDeviceGetName(name, name.Length, device), nameof(api.cuDeviceGetName));
            api.Check(api.cuDeviceTotalMem(out var memory, device), nameof(api.cuDeviceTotalMem));
            devices.Add(new CudaDevice(
                ordinal,
                new DeviceInfo(CudaDevice.IdFor(ordinal), Encoding.UTF8.GetString(name).TrimEnd('\0'), "NVIDIA", runtime, driver),
                new ComputeCapability(
                    Attribute(api, device, CudaDriverApi.AttributeComputeCapabilityMajor),
                    Attribute(api, device, CudaDriverApi.AttributeComputeCapabilityMinor)),
                (long)memory,
                Attribute(api, device, CudaDriverApi.AttributeMultiprocessorCount),
                cudaVersion,
                languages));
        }
        var reason = loaded.Nvrtc is null ? $"cuda-c kernels cannot be compiled: {loaded.NvrtcProblem}" : null;
        return new CudaDiscovery(devices, reason);
    }

    internal static int Attribute(CudaDriverApi api, int device, int attribute)
    {
        api.Check(api.cuDeviceGetAttribute(out var value, attribute, device), nameof(api.cuDeviceGetAttribute));
        return value;
    }

    /// <summary>cuDriverGetVersion encodes 1000·major + 10·minor: 13000 → "13.0", 12040 → "12.4".</summary>
    internal static string FormatCudaVersion(int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}");

    /// <summary>
    /// The kernel module's version (e.g. 580.159.03), which cuDriverGetVersion does not give; null where
    /// /proc/driver/nvidia is not visible (some sandboxes).
    /// </summary>
    internal static string? KernelDriverVersion()
    {
        try
        {
            var text = File.ReadAllText("/proc/driver/nvidia/version");
            return ParseKernelDriverVersion(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.03  Thu ..." → "580.159.03".</summary>
    internal static string? ParseKernelDriverVersion(string procText)
    {
        var line = procText.Split('\n').FirstOrDefault(l => l.StartsWith("NVRM version:", StringComparison.Ordinal));
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(word => word.Count(c => c == '.') >= 1 && word.All(c => char.IsDigit(c) || c == '.'));
    }
}
