using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl.Interop;
using Portal.Kernels.Ops;

namespace Portal.Kernels.OpenCl;

/// <summary>A launch's device buffers: inputs uploaded once, outputs zero-filled before every launch and read back.</summary>
internal sealed class DeviceBuffers : IDisposable
{
    private const ulong MemReadWrite = 1;
    private const uint Blocking = 1;

    private readonly OpenClContext context;
    private readonly Dictionary<string, ClMemHandle> memory = new(StringComparer.Ordinal);
    private readonly List<BufferArgument> outputs = [];

    private DeviceBuffers(OpenClContext context) => this.context = context;

    /// <summary>Allocates every buffer and copies the inputs to the device.</summary>
    public static DeviceBuffers Upload(OpenClContext context, IEnumerable<BufferArgument> buffers)
    {
        var created = new DeviceBuffers(context);
        try
        {
            foreach (var buffer in buffers)
                created.Add(buffer);
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    public ClMemHandle this[string name] => memory[name];

    private void Add(BufferArgument buffer)
    {
        var bytes = SizeInBytes(buffer.Type, buffer.Length);
        // Read-write even for inputs: a kernel that writes to a read-only buffer is undefined behaviour on
        // some drivers, and a verdict must not depend on that.
        var handle = OpenClNative.clCreateBuffer(context.Handle, MemReadWrite, bytes, IntPtr.Zero, out var status);
        memory[buffer.Name] = handle;
        var hint = status == ClStatus.InvalidBufferSize
            ? $"the device allocates at most {ClInfo.DeviceNumber(context.Device, ClInfo.DeviceMaxMemAllocSize)} bytes at once"
            : null;
        context.Check(status, $"clCreateBuffer for {buffer.Name} ({bytes} bytes)", hint);
        if (buffer.Role == BufferRole.Output)
            outputs.Add(buffer);
        else if (buffer.Input is { } input)
            context.Check(OpenClNative.clEnqueueWriteBuffer(context.Queue, handle, Blocking, 0, bytes, ref FirstByte(input), 0,
                IntPtr.Zero, IntPtr.Zero), $"clEnqueueWriteBuffer for {buffer.Name}");
    }

    /// <summary>Enqueues a zero fill of every output, so no launch can pass on what an earlier one left.</summary>
    public void ZeroOutputs()
    {
        var zero = 0;
        foreach (var output in outputs)
            context.Check(OpenClNative.clEnqueueFillBuffer(context.Queue, memory[output.Name], ref zero, sizeof(int), 0,
                SizeInBytes(output.Type, output.Length), 0, IntPtr.Zero, IntPtr.Zero), $"clEnqueueFillBuffer for {output.Name}");
    }

    public Dictionary<string, HostBuffer> ReadOutputs()
    {
        var read = new Dictionary<string, HostBuffer>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            var host = HostBuffer.Zeroed(output.Name, output.Type, output.Length);
            context.Check(OpenClNative.clEnqueueReadBuffer(context.Queue, memory[output.Name], Blocking, 0,
                SizeInBytes(output.Type, output.Length), ref FirstByte(host), 0, IntPtr.Zero, IntPtr.Zero),
                $"clEnqueueReadBuffer for {output.Name}");
            read[output.Name] = host;
        }
        return read;
    }

    private static nuint SizeInBytes(ElementType type, int length) => (nuint)((long)length * type.SizeInBytes());

    // The first byte of the backing array rather than HostBuffer.AsBytes(): a span's length is an int, and a
    // single buffer may hold more than 2 GiB.
    private static ref byte FirstByte(HostBuffer buffer) => ref buffer.Type == ElementType.Float32
        ? ref Unsafe.As<float, byte>(ref MemoryMarshal.GetArrayDataReference(buffer.FloatArray))
        : ref Unsafe.As<int, byte>(ref MemoryMarshal.GetArrayDataReference(buffer.IntArray));

    public void Dispose()
    {
        foreach (var handle in memory.Values)
            handle.Dispose();
    }
}
