using Portal.Kernels.Cuda.Native;

namespace Portal.Kernels.Cuda;

/// <summary>
/// The CUDA twin of <see cref="OpenCl.CopyBandwidthProbe"/>: one device buffer copied into another (cuMemcpyDtoD on the
/// default stream, timed with events), once per device when the agent lists its devices.
/// </summary>
public static class CudaCopyBandwidthProbe
{
    private const long MiB = 1 << 20;
    private const int TimedCopies = 5;

    /// <summary>GB/s, 2 × size / time (each byte read and written), the fastest of a few copies after a warm-up.</summary>
    /// <exception cref="CudaException">The driver refused a call.</exception>
    /// <exception cref="InvalidOperationException">No CUDA driver, or no such device.</exception>
    public static double Measure(string deviceId, CudaLibraryNames? libraries = null)
    {
        if (!CudaDevice.TryParseId(deviceId, out var ordinal))
            throw new InvalidOperationException($"{deviceId} is not a CUDA device");
        var api = CudaLibraries.Load(libraries ?? CudaLibraryNames.Default).Driver
                  ?? throw new InvalidOperationException("the CUDA driver library could not be loaded");
        using var context = CudaPrimaryContext.Retain(api, ordinal);
        context.MakeCurrent();
        api.Check(api.cuDeviceTotalMem(out var totalBytes, context.Device), nameof(api.cuDeviceTotalMem));
        var l2Bytes = CudaDeviceDiscovery.Attribute(api, context.Device, CudaDriverApi.AttributeL2CacheSize);
        // As the cache flush sizes itself: past every L2 shipped so far, and never more than an eighth of the memory.
        var bytes = Math.Max(MiB, Math.Min(Math.Max(256 * MiB, 4L * l2Bytes), (long)totalBytes / 8)) / sizeof(int) * sizeof(int);
        using var source = CudaDeviceMemory.Allocate(context, bytes);
        using var destination = CudaDeviceMemory.Allocate(context, bytes);
        api.Check(api.cuMemsetD32(source.Pointer, 0x5A5A5A5A, (nuint)(bytes / sizeof(int))), nameof(api.cuMemsetD32));
        using var start = CudaEvent.Create(context);
        using var end = CudaEvent.Create(context);

        var fastestMs = double.MaxValue;
        for (var copy = 0; copy <= TimedCopies; copy++)
        {
            api.Check(api.cuEventRecord(start.Pointer, IntPtr.Zero), nameof(api.cuEventRecord));
            api.Check(api.cuMemcpyDtoD(destination.Pointer, source.Pointer, (nuint)bytes), nameof(api.cuMemcpyDtoD));
            api.Check(api.cuEventRecord(end.Pointer, IntPtr.Zero), nameof(api.cuEventRecord));
            api.Check(api.cuCtxSynchronize(), nameof(api.cuCtxSynchronize));
            api.Check(api.cuEventElapsedTime(out var ms, start.Pointer, end.Pointer), nameof(api.cuEventElapsedTime));
            if (copy > 0 && ms > 0)
                fastestMs = Math.Min(fastestMs, ms); // copy 0 is the warm-up
        }
        if (fastestMs == double.MaxValue)
            throw new InvalidOperationException("the CUDA events reported no time for any copy");
        return 2.0 * bytes / (fastestMs * 1e6); // bytes per ms / 1e6 = GB/s
    }
}
