using System.Text.Json.Serialization;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Devices;

/// <summary>
/// A device an agent found, with a stable id (e.g. <c>opencl:0:0</c>, <c>cuda:0</c>) and the kernel
/// languages it accepts; what <c>Portal.Agent devices</c> prints and what the portal maps to a SKU.
/// </summary>
public sealed record AcceleratorDevice(
    string Id,
    string Runtime,
    string Name,
    string Vendor,
    string DriverVersion,
    string RuntimeVersion,
    long GlobalMemoryBytes,
    int ComputeUnits,
    [property: JsonIgnore] IReadOnlyList<KernelLanguage> Languages)
{
    [JsonPropertyName("languages")]
    public IReadOnlyList<string> LanguageNames => Languages.Select(l => l.Name()).ToList();

    /// <summary>
    /// GB/s of a device-to-device buffer copy, measured once when the agent lists its devices; what the portal holds an
    /// unmapped device's timings against (DESIGN.md "Timings that break physics"). Null: not measured.
    /// </summary>
    public double? CopyBandwidthGbPerSecond { get; init; }

    /// <summary>Why <see cref="CopyBandwidthGbPerSecond"/> is null when the measurement was tried and failed.</summary>
    public string? CopyBandwidthProblem { get; init; }

    public bool Accepts(KernelLanguage language) => Languages.Contains(language);

    public DeviceInfo ToDeviceInfo() => new(Id, Name, Vendor, RuntimeVersion, DriverVersion);
}

/// <summary>One runtime's view of the machine: its devices, or why it has none.</summary>
/// <param name="Failed">The runtime is installed but listing its devices failed, so <paramref name="Devices"/> is not the
/// host's list; false when the runtime is simply absent or found none.</param>
public sealed record BackendDiscovery(string Runtime, IReadOnlyList<AcceleratorDevice> Devices, string? Problem, bool Failed = false);

/// <summary>A runtime (OpenCL, CUDA, Triton) that finds devices and makes executors for them.</summary>
public interface IDeviceBackend
{
    string Runtime { get; }

    BackendDiscovery Discover();

    /// <summary>GB/s of a device-to-device copy on one of this backend's devices (see <see cref="AcceleratorDevice.CopyBandwidthGbPerSecond"/>).</summary>
    /// <exception cref="NotSupportedException">This backend cannot measure it.</exception>
    double MeasureCopyBandwidth(AcceleratorDevice device) =>
        throw new NotSupportedException($"the {Runtime} runtime has no copy-bandwidth probe");

    /// <summary>A new executor for a language on one of this backend's devices, or null when it has none for it.
    /// Called in the process that runs the kernel (the isolated child).</summary>
    Execution.IKernelExecutor? ExecutorFor(AcceleratorDevice device, KernelLanguage language);
}
