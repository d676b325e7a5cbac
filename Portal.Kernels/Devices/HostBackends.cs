using Portal.Kernels.Cuda;
using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Kernels.Devices;

/// <summary>Every runtime an agent host may have: OpenCL (any ICD: PoCL, NVIDIA, ...), and CUDA with Triton.</summary>
public static class HostBackends
{
    /// <summary>
    /// Only the runtime that owns <paramref name="deviceId"/>: an isolated child runs one job on one device and
    /// need not start Python to probe Triton for an OpenCL job.
    /// </summary>
    public static Task<DeviceCatalog> DiscoverForAsync(string deviceId, CancellationToken cancellationToken) =>
        deviceId.StartsWith(OpenClDiscovery.IdPrefix, StringComparison.Ordinal)
            ? Task.FromResult(new DeviceCatalog([new OpenClBackend()]))
            : DiscoverAsync(cancellationToken);

    /// <param name="tritonProbeTimeout">How long importing torch and triton may take (a busy host needs longer); the default otherwise.</param>
    public static async Task<DeviceCatalog> DiscoverAsync(CancellationToken cancellationToken, TimeSpan? tritonProbeTimeout = null)
    {
        // Triton needs a probe of the Python environment; without it CUDA devices list cuda-c only.
        var options = tritonProbeTimeout is { } timeout ? TritonOptions.Default with { ProbeTimeout = timeout } : TritonOptions.Default;
        var triton = await TritonRuntime.ProbeAsync(options, cancellationToken);
        return new DeviceCatalog([new OpenClBackend(), new CudaBackend(triton)]);
    }
}

public sealed class OpenClBackend : IDeviceBackend
{
    public string Runtime => "opencl";

    public BackendDiscovery Discover()
    {
        var scan = OpenClDiscovery.Discover();
        var devices = scan.Devices.Select(d => new AcceleratorDevice(
            d.Id, Runtime, d.Name, d.Vendor, d.DriverVersion, d.OpenClVersion, d.GlobalMemoryBytes, d.ComputeUnits,
            d.Languages.Select(KernelLanguages.Parse).OfType<KernelLanguage>().ToList())).ToList();
        return new BackendDiscovery(Runtime, devices, scan.Problems.Count == 0 ? null : string.Join("; ", scan.Problems), scan.Failed);
    }

    public IKernelExecutor? ExecutorFor(AcceleratorDevice device, KernelLanguage language) =>
        language == KernelLanguage.OpenClC ? new OpenClExecutor() : null;

    public double MeasureCopyBandwidth(AcceleratorDevice device) => CopyBandwidthProbe.Measure(device.Id);
}

public sealed class CudaBackend(TritonRuntimeStatus triton) : IDeviceBackend
{
    public string Runtime => "cuda";

    public BackendDiscovery Discover()
    {
        var found = CudaDeviceDiscovery.Discover(triton: triton);
        var devices = found.Devices.Select(d => new AcceleratorDevice(
            d.Info.Id, Runtime, d.Info.Name, d.Info.Vendor, d.Info.Driver, d.Info.Runtime, d.TotalMemoryBytes, d.MultiprocessorCount,
            d.Languages)).ToList();
        var problem = found.Reason ?? (triton.IsUsable ? null : $"triton: {triton.Reason}");
        return new BackendDiscovery(Runtime, devices, problem);
    }

    public double MeasureCopyBandwidth(AcceleratorDevice device) => CudaCopyBandwidthProbe.Measure(device.Id);

    public IKernelExecutor? ExecutorFor(AcceleratorDevice device, KernelLanguage language) => language switch
    {
        KernelLanguage.CudaC => new CudaExecutor(),
        KernelLanguage.Triton => new TritonExecutor(),
        _ => null,
    };
}
