using System.Text.RegularExpressions;

namespace Portal.Kernels.Cuda;

/// <summary>
/// Where NVRTC finds the CUDA headers a cuda-c kernel of a narrow dtype includes (cuda_fp16.h, cuda_bf16.h,
/// cuda_fp8.h): NVRTC has no include folder of its own, so the toolkit's is passed as <c>--include-path</c>, with its
/// <c>cccl</c> folder (CUDA 13 moved <c>nv/target</c>, which cuda_fp16.hpp includes, there). The sandbox binds the
/// same folders (<see cref="Isolation.KernelSandbox"/>), so the child that compiles finds what the host has.
/// </summary>
public static partial class CudaToolkitHeaders
{
    /// <summary>The header whose folder is the toolkit's include folder.</summary>
    public const string Marker = "cuda_fp16.h";

    private static readonly string[] Fixed =
        ["/usr/local/cuda/include", "/usr/local/cuda/targets/x86_64-linux/include", "/usr/local/cuda/targets/sbsa-linux/include", "/usr/include"];

    /// <summary>
    /// The include folders to pass, first match wins: CUDA_HOME/include, CUDA_PATH/include, the include folder beside each
    /// LD_LIBRARY_PATH folder (…/targets/x86_64-linux/lib → …/include), then /usr/local/cuda and /usr/include. Empty when
    /// none holds <see cref="Marker"/>.
    /// </summary>
    public static IReadOnlyList<string> Find(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var folder in Candidates(environment))
        {
            if (!File.Exists(Path.Combine(folder, Marker)))
                continue;
            var cccl = Path.Combine(folder, "cccl");
            return Directory.Exists(cccl) ? [folder, cccl] : [folder];
        }
        return [];
    }

    /// <summary><see cref="Find"/> for this process's environment.</summary>
    public static IReadOnlyList<string> Find() =>
        Find(Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => e.Key is string && e.Value is string)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal));

    private static IEnumerable<string> Candidates(IReadOnlyDictionary<string, string> environment)
    {
        string? Get(string name) => environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        foreach (var name in (string[])["CUDA_HOME", "CUDA_PATH"])
            if (Get(name) is { } root && Path.IsPathFullyQualified(root))
                yield return Path.Combine(root, "include");
        foreach (var library in Get("LD_LIBRARY_PATH")?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? [])
            if (Path.IsPathFullyQualified(library))
                yield return Path.GetFullPath(Path.Combine(library, "..", "include"));
        foreach (var folder in Fixed)
            yield return folder;
    }

    [GeneratedRegex(@"(cuda_fp16|cuda_bf16|cuda_fp8)\.h[""'>]?:? *(File not found|cannot open source file)|cannot open source file ""(cuda_fp16|cuda_bf16|cuda_fp8)\.h""")]
    private static partial Regex MissingHeader();

    /// <summary>
    /// The unsupported message for a failed compile whose log says a toolkit header is missing while this host has none
    /// (<paramref name="includeFolders"/> empty): the host's fault, not the kernel's. Null otherwise.
    /// </summary>
    public static string? MissingOnHost(string? log, IReadOnlyList<string> includeFolders)
    {
        if (includeFolders.Count > 0 || log is null || MissingHeader().Match(log) is not { Success: true } match)
            return null;
        var header = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[3].Value;
        return $"{header}.h is not installed on this host: NVRTC needs the CUDA toolkit's headers (install the toolkit, " +
            "or set CUDA_HOME to a folder whose include/ holds cuda_fp16.h)";
    }
}

/// <summary>The storage dtypes a CUDA device can run: fp8 needs compute capability 8.9 (Ada, Hopper) or newer.</summary>
public static class CudaDtypes
{
    public static readonly ComputeCapability Fp8Minimum = new(8, 9);

    /// <summary>The unsupported message naming the fp8 buffers and the device's capability, or null when it can run them all.</summary>
    public static string? Problem(ComputeCapability device, IEnumerable<(string Name, ElementType Type)> buffers)
    {
        if (device.Architecture >= Fp8Minimum.Architecture)
            return null;
        var fp8 = buffers.Where(b => b.Type is ElementType.Float8E4M3 or ElementType.Float8E5M2).ToList();
        return fp8.Count == 0 ? null
            : $"fp8 buffers ({string.Join(", ", fp8.Select(b => $"{b.Name}: {b.Type.Dtype()}"))}) need compute capability " +
                $"{Fp8Minimum} or newer; this device has {device}";
    }
}
