using System.Runtime.InteropServices;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// A launch's OpenCL buffers (<see cref="GuardedBuffers{TAllocation}"/>): one allocation per buffer, and the kernel
/// gets a sub-buffer of it that starts after the zone before. What the kernel can reach through the sub-buffer is
/// read and written through it; only the zones are read through the allocation.
/// </summary>
internal sealed class DeviceBuffers : GuardedBuffers<DeviceBuffers.Guarded>
{
    private const ulong MemReadWrite = 1;
    private const ulong InheritFlags = 0;
    private const uint Blocking = 1;

    private readonly OpenClContext context;

    /// <param name="Allocation">The whole allocation: zone before, buffer, zone after.</param>
    /// <param name="View">The sub-buffer the kernel gets.</param>
    internal sealed record Guarded(ClMemHandle Allocation, ClMemHandle View) : IDisposable
    {
        public void Dispose()
        {
            // The sub-buffer before the allocation it lives in.
            View.Dispose();
            Allocation.Dispose();
        }
    }

    // CL_DEVICE_MEM_BASE_ADDR_ALIGN is in bits; a sub-buffer's origin must be a multiple of it.
    private DeviceBuffers(OpenClContext context)
        : base(GuardZones.BeforeBytes((long)ClInfo.DeviceNumber(context.Device, ClInfo.DeviceMemBaseAddrAlign) / 8)) =>
        this.context = context;

    /// <summary>Allocates every buffer between its guard zones and copies the inputs to the device.</summary>
    public static DeviceBuffers Upload(OpenClContext context, IEnumerable<BufferArgument> buffers)
    {
        var created = new DeviceBuffers(context);
        created.AllocateAndUpload(buffers);
        return created;
    }

    protected override Guarded Allocate(BufferArgument buffer, long totalBytes)
    {
        // Read-write even for inputs: a kernel that writes to a read-only buffer is undefined behaviour on
        // some drivers, and a verdict must not depend on that; the input check finds such writes instead.
        var allocation = OpenClNative.clCreateBuffer(context.Handle, MemReadWrite, (nuint)totalBytes, IntPtr.Zero, out var status);
        if (status != ClStatus.Success)
            allocation.Dispose();
        var bytes = (long)buffer.Length * buffer.Type.SizeInBytes();
        var hint = status == ClStatus.InvalidBufferSize
            ? $"the device allocates at most {ClInfo.DeviceNumber(context.Device, ClInfo.DeviceMaxMemAllocSize)} bytes at once"
            : null;
        context.Check(status, $"clCreateBuffer for {buffer.Name} ({bytes} bytes and {totalBytes - bytes} of guard zones)", hint);
        var region = new OpenClNative.BufferRegion((nuint)BeforeBytes, (nuint)bytes);
        var view = OpenClNative.clCreateSubBuffer(allocation, InheritFlags, OpenClNative.BufferCreateTypeRegion, ref region, out status);
        if (status != ClStatus.Success)
        {
            view.Dispose();
            allocation.Dispose();
        }
        context.Check(status, $"clCreateSubBuffer for {buffer.Name} (origin {BeforeBytes}, {bytes} bytes)");
        return new Guarded(allocation, view);
    }

    protected override void FillAllocation(Guarded allocation, long totalBytes, uint word, string name) =>
        Fill(allocation.Allocation, totalBytes, word, $"the guard zones of {name}");

    // A one-byte pattern: a float16 or fp8 buffer need not be a whole number of 32-bit words.
    protected override void ZeroBuffer(Guarded allocation, long bytes, string name) => Fill(allocation.View, bytes, 0, sizeof(byte), name);

    private void Fill(ClMemHandle memory, long bytes, uint word, string name) => Fill(memory, bytes, word, sizeof(uint), name);

    private void Fill(ClMemHandle memory, long bytes, uint word, int patternBytes, string name)
    {
        var pattern = unchecked((int)word);
        context.Check(OpenClNative.clEnqueueFillBuffer(context.Queue, memory, ref pattern, (nuint)patternBytes, 0, (nuint)bytes, 0, IntPtr.Zero,
            IntPtr.Zero), $"clEnqueueFillBuffer for {name}");
    }

    protected override void WriteBuffer(Guarded allocation, HostBuffer source, string name) =>
        context.Check(OpenClNative.clEnqueueWriteBuffer(context.Queue, allocation.View, Blocking, 0, (nuint)source.SizeInBytes,
            ref source.FirstByte(), 0, IntPtr.Zero, IntPtr.Zero), $"clEnqueueWriteBuffer for {name}");

    protected override void ReadBuffer(Guarded allocation, HostBuffer destination, string name) =>
        Read(allocation.View, 0, (nuint)destination.SizeInBytes, ref destination.FirstByte(), name);

    protected override void ReadAllocation(Guarded allocation, long offset, byte[] destination, string name) =>
        Read(allocation.Allocation, offset, (nuint)destination.Length, ref MemoryMarshal.GetArrayDataReference(destination),
            $"the guard zones of {name}");

    private void Read(ClMemHandle memory, long offset, nuint bytes, ref byte destination, string name) =>
        context.Check(OpenClNative.clEnqueueReadBuffer(context.Queue, memory, Blocking, (nuint)offset, bytes, ref destination, 0,
            IntPtr.Zero, IntPtr.Zero), $"clEnqueueReadBuffer for {name}");
}
