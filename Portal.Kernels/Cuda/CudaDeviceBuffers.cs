using System.Runtime.InteropServices;
using Portal.Kernels.Buffers;
using Portal.Kernels.Cuda.Native;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Cuda;

/// <summary>
/// A launch's CUDA buffers (<see cref="GuardedBuffers{TAllocation}"/>), as the OpenCL executor's DeviceBuffers are:
/// one allocation per buffer, and the kernel gets a pointer offset past the zone before. Everything goes to the
/// legacy default stream, so it runs in issue order, and a copy back waits for the launches before it.
/// </summary>
internal sealed class CudaDeviceBuffers : GuardedBuffers<CudaDeviceMemory>
{
    /// <summary>cuMemAlloc aligns to at least this; the pointer handed to the kernel keeps the same alignment.</summary>
    private const long AllocationAlignment = 256;

    private readonly CudaPrimaryContext context;
    private readonly CudaDriverApi api;

    private CudaDeviceBuffers(CudaPrimaryContext context) : base(GuardZones.BeforeBytes(AllocationAlignment))
    {
        this.context = context;
        api = context.Api;
    }

    /// <summary>Allocates every buffer between its guard zones and copies the inputs to the device.</summary>
    public static CudaDeviceBuffers Upload(CudaPrimaryContext context, IEnumerable<BufferArgument> buffers)
    {
        var created = new CudaDeviceBuffers(context);
        created.AllocateAndUpload(buffers);
        return created;
    }

    /// <summary>The device pointer the kernel gets for the buffer named <paramref name="name"/>.</summary>
    public ulong PointerOf(string name) => BufferPointer(this[name]);

    private ulong BufferPointer(CudaDeviceMemory allocation) => allocation.Pointer + (ulong)BeforeBytes;

    protected override CudaDeviceMemory Allocate(BufferArgument buffer, long totalBytes) => CudaDeviceMemory.Allocate(context, totalBytes);

    protected override void FillAllocation(CudaDeviceMemory allocation, long totalBytes, uint word, string name) =>
        Fill(allocation.Pointer, totalBytes, word);

    protected override void ZeroBuffer(CudaDeviceMemory allocation, long bytes, string name) =>
        api.Check(api.cuMemsetD8(BufferPointer(allocation), 0, (nuint)bytes), nameof(api.cuMemsetD8));

    private void Fill(ulong pointer, long bytes, uint word) =>
        api.Check(api.cuMemsetD32(pointer, word, (nuint)(bytes / sizeof(uint))), nameof(api.cuMemsetD32));

    protected override void WriteBuffer(CudaDeviceMemory allocation, HostBuffer source, string name) =>
        api.Check(api.cuMemcpyHtoD(BufferPointer(allocation), ref source.FirstByte(), (nuint)source.SizeInBytes),
            nameof(api.cuMemcpyHtoD));

    protected override void ReadBuffer(CudaDeviceMemory allocation, HostBuffer destination, string name) =>
        Read(BufferPointer(allocation), ref destination.FirstByte(), (nuint)destination.SizeInBytes);

    protected override void ReadAllocation(CudaDeviceMemory allocation, long offset, byte[] destination, string name) =>
        Read(allocation.Pointer + (ulong)offset, ref MemoryMarshal.GetArrayDataReference(destination), (nuint)destination.Length);

    private void Read(ulong pointer, ref byte destination, nuint bytes) =>
        api.Check(api.cuMemcpyDtoH(ref destination, pointer, bytes), nameof(api.cuMemcpyDtoH));

    /// <summary>
    /// For a kernel that may still be running: freeing its memory would wait for it, so the allocations are left to
    /// the process's end (the agent isolates each job in a child process).
    /// </summary>
    public void Abandon()
    {
        foreach (var allocation in Allocations)
            allocation.SetHandleAsInvalid();
    }
}
