using Portal.Kernels.Results;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// One OpenCL device as the agent lists it (<c>devices [--json]</c>) and reports it to the portal.
/// </summary>
/// <param name="Id">"opencl:&lt;platform&gt;:&lt;device&gt;", the indices in the ICD loader's order: stable on a host
/// as long as its drivers are unchanged.</param>
/// <param name="OpenClVersion">The device's CL_DEVICE_VERSION, e.g. "OpenCL 3.0 CUDA".</param>
/// <param name="OpenClCVersion">The newest OpenCL C its compiler accepts, e.g. "OpenCL C 1.2".</param>
/// <param name="Type">cpu, gpu, accelerator or other.</param>
/// <param name="GlobalMemoryCacheBytes">CL_DEVICE_GLOBAL_MEM_CACHE_SIZE: what timing must flush between launches.</param>
/// <param name="Languages">The kernel languages it runs: opencl-c when it is available and has a compiler, else none.</param>
public sealed record OpenClDevice(
    string Id,
    int PlatformIndex,
    int DeviceIndex,
    string Platform,
    string Name,
    string Vendor,
    string DriverVersion,
    string OpenClVersion,
    string OpenClCVersion,
    string Type,
    long GlobalMemoryBytes,
    long MaxAllocationBytes,
    long GlobalMemoryCacheBytes,
    int ComputeUnits,
    long MaxWorkGroupSize,
    bool Available,
    IReadOnlyList<string> Languages)
{
    /// <summary>What a result records about the device it was measured on.</summary>
    public DeviceInfo ToDeviceInfo() => new(Id, Name, Vendor, OpenClVersion, DriverVersion);
}

/// <summary>The devices found, and why some (or all) could not be listed, each problem a line for a person.</summary>
/// <param name="Failed">The runtime is there but listing it failed: the list is not the host's devices. False when the host
/// simply has no OpenCL (no loader, no driver).</param>
public sealed record OpenClDeviceScan(IReadOnlyList<OpenClDevice> Devices, IReadOnlyList<string> Problems, bool Failed = false);
