using System.Collections.Concurrent;
using Portal.Kernels.Cuda.Native;

namespace Portal.Kernels.Cuda;

/// <summary>
/// The file names tried for the CUDA driver library and for NVRTC, in order. NVRTC's soname carries the CUDA
/// major version, so several are listed; a host can put its own first (e.g. a wheel's libnvrtc path).
/// </summary>
public sealed record CudaLibraryNames(IReadOnlyList<string> Driver, IReadOnlyList<string> Nvrtc)
{
    public static CudaLibraryNames Default { get; } = new(
        ["libcuda.so.1", "libcuda.so", "nvcuda.dll"],
        ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so", "nvrtc64_130_0.dll", "nvrtc64_120_0.dll"]);
}

/// <summary>
/// The driver (initialised with cuInit) and NVRTC as loaded in this process, or why each is not there. Loaded once
/// per list of names: cuInit and dlopen are process-wide anyway. Missing libraries and symbols are caught here, at
/// the boundary, and become a sentence for the device list and for Unsupported results.
/// </summary>
internal sealed class CudaLibraries
{
    private static readonly ConcurrentDictionary<string, Lazy<CudaLibraries>> Loaded = new(StringComparer.Ordinal);

    private CudaLibraries(CudaDriverApi? driver, string? driverProblem, NvrtcApi? nvrtc, string? nvrtcProblem)
    {
        Driver = driver;
        DriverProblem = driverProblem;
        Nvrtc = nvrtc;
        NvrtcProblem = nvrtcProblem;
    }

    /// <summary>Null when <see cref="DriverProblem"/> says why.</summary>
    public CudaDriverApi? Driver { get; }

    public string? DriverProblem { get; }

    /// <summary>Null when <see cref="NvrtcProblem"/> says why.</summary>
    public NvrtcApi? Nvrtc { get; }

    public string? NvrtcProblem { get; }

    public static CudaLibraries Load(CudaLibraryNames names)
    {
        var key = string.Join('\n', names.Driver) + "\n\n" + string.Join('\n', names.Nvrtc);
        return Loaded.GetOrAdd(key, _ => new Lazy<CudaLibraries>(() => LoadNow(names))).Value;
    }

    private static CudaLibraries LoadNow(CudaLibraryNames names)
    {
        var (driver, driverProblem) = LoadDriver(names.Driver);
        var (nvrtc, nvrtcProblem) = LoadNvrtc(names.Nvrtc);
        return new CudaLibraries(driver, driverProblem, nvrtc, nvrtcProblem);
    }

    private static (CudaDriverApi?, string?) LoadDriver(IReadOnlyList<string> names)
    {
        try
        {
            if (SharedLibrary.TryLoad(names, out var reason) is not { } library)
                return (null, $"the CUDA driver library could not be loaded ({reason}): install the NVIDIA driver, " +
                    "or add the folder that holds libcuda.so.1 to LD_LIBRARY_PATH");
            var api = new CudaDriverApi(library);
            var init = api.cuInit(0);
            return init == CudaDriverApi.Success
                ? (api, null)
                : (null, $"{library.Name} loaded but {api.Error(init, nameof(api.cuInit)).Message}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (null, $"the CUDA driver library is unusable: {e.Message}; install a current NVIDIA driver");
        }
    }

    private static (NvrtcApi?, string?) LoadNvrtc(IReadOnlyList<string> names)
    {
        try
        {
            return SharedLibrary.TryLoad(names, out var reason) is { } library
                ? (new NvrtcApi(library), null)
                : (null, $"NVRTC could not be loaded ({reason}): install the CUDA toolkit's NVRTC, or add its folder " +
                    "(e.g. /usr/local/cuda/targets/x86_64-linux/lib) to LD_LIBRARY_PATH");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (null, $"NVRTC is unusable: {e.Message}; install NVRTC 11.2 or newer");
        }
    }
}
