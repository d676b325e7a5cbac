using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// Measures how fast the device copies one of its buffers into another (clEnqueueCopyBuffer, timed with profiling
/// events): the bandwidth a kernel on an unmapped device cannot honestly beat by much (DESIGN.md "Timings that break
/// physics"). Run once per device when the agent lists its devices, never per job.
/// </summary>
public static class CopyBandwidthProbe
{
    private const ulong MemReadWrite = 1;
    private const int TimedCopies = 5;

    /// <summary>
    /// GB/s, counting each byte read and each byte written as a kernel's byte formula does (2 × size / time); the
    /// fastest of a few copies after a warm-up, so the limit derived from it errs high rather than low.
    /// </summary>
    /// <exception cref="OpenClException">The driver refused a call; its message says which.</exception>
    /// <exception cref="InvalidOperationException">The device is not there, or its clock gave no usable time.</exception>
    public static double Measure(string deviceId)
    {
        var described = OpenClDiscovery.Find(deviceId) ?? throw new InvalidOperationException($"this host has no OpenCL device {deviceId}");
        var native = OpenClDiscovery.Locate(deviceId) ?? throw new InvalidOperationException($"this host has no OpenCL device {deviceId}");
        // Larger than the last-level cache, so the copy streams from memory, as a timed kernel does after the cache flush.
        var bytes = CacheFlush.SizeFor(described.Type, described.GlobalMemoryCacheBytes, described.MaxAllocationBytes, described.GlobalMemoryBytes);
        using var context = OpenClContext.Create(native.Device);
        using var source = Allocate(context, bytes);
        using var destination = Allocate(context, bytes);
        var pattern = 0x5A5A5A5A;
        context.Check(OpenClNative.clEnqueueFillBuffer(context.Queue, source, ref pattern, sizeof(int), 0, (nuint)bytes, 0, IntPtr.Zero, IntPtr.Zero),
            "clEnqueueFillBuffer for the copy probe");

        var fastestNs = ulong.MaxValue;
        for (var copy = 0; copy <= TimedCopies; copy++)
        {
            context.Check(OpenClNative.clEnqueueCopyBuffer(context.Queue, source, destination, 0, 0, (nuint)bytes, 0, IntPtr.Zero, out var done),
                "clEnqueueCopyBuffer for the copy probe");
            using (done)
            {
                var raw = done.DangerousGetHandle();
                context.Check(OpenClNative.clWaitForEvents(1, ref raw), "clWaitForEvents for the copy probe");
                if (copy == 0)
                    continue; // the warm-up: first touches of the pages, lazy allocation
                context.Check(OpenClNative.clGetEventProfilingInfo(done, ClInfo.ProfilingCommandStart, sizeof(ulong), out var start, out _),
                    "clGetEventProfilingInfo (start)");
                context.Check(OpenClNative.clGetEventProfilingInfo(done, ClInfo.ProfilingCommandEnd, sizeof(ulong), out var end, out _),
                    "clGetEventProfilingInfo (end)");
                if (end > start)
                    fastestNs = Math.Min(fastestNs, Math.Max(end - start, context.TimerResolutionNs));
            }
        }
        if (fastestNs == ulong.MaxValue)
            throw new InvalidOperationException("the device's profiling clock reported no time for any copy");
        return 2.0 * bytes / fastestNs; // bytes per nanosecond = GB/s
    }

    private static ClMemHandle Allocate(OpenClContext context, long bytes)
    {
        var buffer = OpenClNative.clCreateBuffer(context.Handle, MemReadWrite, (nuint)bytes, IntPtr.Zero, out var status);
        context.Check(status, $"clCreateBuffer for the {bytes >> 20} MiB copy-probe buffer");
        return buffer;
    }
}
