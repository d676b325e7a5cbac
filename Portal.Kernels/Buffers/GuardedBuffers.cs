using Portal.Kernels.Execution;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Buffers;

/// <summary>
/// A launch request's device buffers, each inside its own allocation between <see cref="GuardZones"/>:
/// [zone before | buffer | zone after]. Every allocation is filled with the canary, then inputs are uploaded once;
/// outputs are zero-filled before every launch and read back after the last; and then both zones of every buffer
/// and every input are read back for <see cref="GuardZones.FindStrayWrites"/>. A native executor supplies only the
/// device calls; the layout and what is read when are the same for all of them.
/// </summary>
/// <typeparam name="TAllocation">One buffer's device memory: the allocation and what the kernel gets of it.</typeparam>
internal abstract class GuardedBuffers<TAllocation> : IDisposable
    where TAllocation : IDisposable
{
    private readonly List<(BufferArgument Argument, TAllocation Allocation)> buffers = [];

    /// <param name="beforeBytes">The zone before each buffer, a multiple of the device's base-address alignment (<see cref="GuardZones.BeforeBytes"/>).</param>
    protected GuardedBuffers(long beforeBytes) => BeforeBytes = beforeBytes;

    /// <summary>Where each buffer starts in its allocation.</summary>
    protected long BeforeBytes { get; }

    /// <summary>Every allocation made so far, for a subclass's own release.</summary>
    protected IEnumerable<TAllocation> Allocations => buffers.Select(b => b.Allocation);

    /// <summary>Allocates <paramref name="totalBytes"/>, the buffer at <see cref="BeforeBytes"/> in it.</summary>
    protected abstract TAllocation Allocate(BufferArgument buffer, long totalBytes);

    /// <summary>Repeats the 32-bit <paramref name="word"/> over all of the allocation, zones included.</summary>
    protected abstract void FillAllocation(TAllocation allocation, long totalBytes, uint word, string name);

    /// <summary>Zero-fills the buffer only, byte by byte (its size need not be a whole number of 32-bit words).</summary>
    protected abstract void ZeroBuffer(TAllocation allocation, long bytes, string name);

    protected abstract void WriteBuffer(TAllocation allocation, HostBuffer source, string name);

    protected abstract void ReadBuffer(TAllocation allocation, HostBuffer destination, string name);

    /// <summary>Reads <paramref name="destination"/>'s length of bytes from <paramref name="offset"/> in the allocation.</summary>
    protected abstract void ReadAllocation(TAllocation allocation, long offset, byte[] destination, string name);

    /// <summary>Allocates every buffer between its guard zones and uploads the inputs; called once, by the subclass's factory.</summary>
    protected void AllocateAndUpload(IEnumerable<BufferArgument> arguments)
    {
        try
        {
            foreach (var argument in arguments)
            {
                var total = BeforeBytes + Bytes(argument) + GuardZones.AfterZoneBytes(Bytes(argument));
                var allocation = Allocate(argument, total);
                buffers.Add((argument, allocation));
                FillAllocation(allocation, total, GuardZones.Canary, argument.Name);
                // Devices run these in issue order, so the upload lands on the canary fill, not under it.
                if (argument.Input is { } input)
                    WriteBuffer(allocation, input, argument.Name);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What the kernel gets for the buffer named <paramref name="name"/>.</summary>
    public TAllocation this[string name] => buffers.First(b => b.Argument.Name == name).Allocation;

    private IEnumerable<(BufferArgument Argument, TAllocation Allocation)> Outputs =>
        buffers.Where(b => b.Argument.Role == BufferRole.Output);

    /// <summary>A zero fill of every output, so no launch can pass on what an earlier one left.</summary>
    public void ZeroOutputs()
    {
        foreach (var (argument, allocation) in Outputs)
            ZeroBuffer(allocation, Bytes(argument), argument.Name);
    }

    public Dictionary<string, HostBuffer> ReadOutputs() =>
        Outputs.ToDictionary(output => output.Argument.Name, output => ReadBack(output.Argument, output.Allocation), StringComparer.Ordinal);

    /// <summary>Both zones of every buffer, and every input as the kernel left it.</summary>
    public List<GuardReading> ReadGuards() =>
    [
        .. buffers.Select(b => new GuardReading(b.Argument.Name,
            ReadZone(b.Allocation, 0, BeforeBytes, b.Argument.Name),
            ReadZone(b.Allocation, BeforeBytes + Bytes(b.Argument), GuardZones.AfterZoneBytes(Bytes(b.Argument)), b.Argument.Name),
            b.Argument.Role == BufferRole.Input ? ReadBack(b.Argument, b.Allocation) : null)),
    ];

    private HostBuffer ReadBack(BufferArgument argument, TAllocation allocation)
    {
        var host = HostBuffer.Zeroed(argument.Name, argument.Type, argument.Length);
        ReadBuffer(allocation, host, argument.Name);
        return host;
    }

    private byte[] ReadZone(TAllocation allocation, long offset, long bytes, string name)
    {
        var zone = new byte[bytes];
        ReadAllocation(allocation, offset, zone, name);
        return zone;
    }

    private static long Bytes(BufferArgument argument) => (long)argument.Length * argument.Type.SizeInBytes();

    public void Dispose()
    {
        foreach (var (_, allocation) in buffers)
            allocation.Dispose();
        buffers.Clear();
    }
}
