using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// Evicts the device's last-level cache before a timed launch by writing a scratch buffer larger than it, so
/// a kernel is not timed on inputs still cached from its previous launch (up to ~1.6× overstated bandwidth).
/// </summary>
internal sealed class CacheFlush(OpenClContext context, long bytes) : IDisposable
{
    private const ulong MemReadWrite = 1;
    private const long MiB = 1 << 20;

    private ClMemHandle? scratch;
    private int pass;

    public long Bytes { get; } = bytes;

    /// <summary>
    /// GPUs and accelerators: at least 256 MiB, which exceeds every L2 shipped so far, or four times the reported
    /// cache (drivers differ in which level they report). CPUs: twice the reported last-level cache, at least
    /// 8 MiB and at most 256 MiB, since a host-memory fill of 256 MiB per launch would dominate a suite run.
    /// Never more than one allocation may hold, nor an eighth of the device's memory.
    /// </summary>
    public static long SizeFor(string deviceType, long cacheBytes, long maxAllocationBytes, long globalMemoryBytes)
    {
        var wanted = deviceType == "cpu"
            ? Math.Clamp(2 * cacheBytes, 8 * MiB, 256 * MiB)
            : Math.Max(256 * MiB, 4 * cacheBytes);
        var size = Math.Min(wanted, Math.Min(maxAllocationBytes, globalMemoryBytes / 8));
        return Math.Max(size, MiB) / sizeof(int) * sizeof(int);
    }

    /// <summary>Enqueues the flush; allocated on first use, since only the timed case needs it.</summary>
    public void Enqueue()
    {
        if (scratch is null)
        {
            scratch = OpenClNative.clCreateBuffer(context.Handle, MemReadWrite, (nuint)Bytes, IntPtr.Zero, out var status);
            context.Check(status, $"clCreateBuffer for the {Bytes / MiB} MiB cache-flush buffer");
        }
        // A new value each time: a driver may not skip a fill that changes the contents.
        var pattern = ++pass;
        context.Check(OpenClNative.clEnqueueFillBuffer(context.Queue, scratch, ref pattern, sizeof(int), 0, (nuint)Bytes, 0,
            IntPtr.Zero, IntPtr.Zero), "clEnqueueFillBuffer for the cache flush");
    }

    public void Dispose() => scratch?.Dispose();
}
