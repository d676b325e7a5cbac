using Portal.Kernels.Execution;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Devices;

/// <summary>Every device of every runtime on this host, discovered once.</summary>
public sealed class DeviceCatalog
{
    private readonly IReadOnlyList<IDeviceBackend> _backends;
    private readonly Lazy<IReadOnlyList<BackendDiscovery>> _discoveries;

    public DeviceCatalog(IEnumerable<IDeviceBackend> backends)
    {
        _backends = backends.ToList();
        _discoveries = new(() => _backends.Select(b => b.Discover()).ToList());
    }

    public IReadOnlyList<BackendDiscovery> Discoveries => _discoveries.Value;

    public IReadOnlyList<AcceleratorDevice> Devices => Discoveries.SelectMany(d => d.Devices).ToList();

    public AcceleratorDevice? Find(string id) => Devices.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first device that accepts the language, in discovery order (the CLI's default).</summary>
    public AcceleratorDevice? FirstAccepting(KernelLanguage language) => Devices.FirstOrDefault(d => d.Accepts(language));

    /// <summary>
    /// Every device with its copy bandwidth measured, or with why it could not be: a failed probe leaves the figure null
    /// and says so, it never hides the device. Slow (a few large copies per device): for the device list, not per job.
    /// </summary>
    public IReadOnlyList<AcceleratorDevice> WithCopyBandwidths() =>
        Devices.Select(device =>
        {
            var backend = _backends.FirstOrDefault(b => b.Runtime == device.Runtime);
            try
            {
                return backend is null
                    ? device with { CopyBandwidthProblem = $"no {device.Runtime} runtime here to measure it" }
                    : device with { CopyBandwidthGbPerSecond = backend.MeasureCopyBandwidth(device) };
            }
            catch (Exception e) when (e is OpenCl.OpenClException or Cuda.Native.CudaException or InvalidOperationException or NotSupportedException
                                          or DllNotFoundException or EntryPointNotFoundException or OutOfMemoryException)
            {
                return device with { CopyBandwidthProblem = $"the copy-bandwidth probe failed: {e.Message}" };
            }
        }).ToList();

    public IKernelExecutor? ExecutorFor(AcceleratorDevice device, KernelLanguage language) =>
        _backends.Where(b => b.Runtime == device.Runtime)
            .Select(b => b.ExecutorFor(device, language))
            .FirstOrDefault(e => e is not null);
}
