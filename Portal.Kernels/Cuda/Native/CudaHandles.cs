using System.Runtime.InteropServices;

namespace Portal.Kernels.Cuda.Native;

/// <summary>
/// A device's primary context, retained for as long as this handle lives. The primary context is the one the
/// CUDA runtime (and so PyTorch and Triton) use too, and retaining it sidesteps cuCtxCreate, whose signature
/// CUDA 13 changed. Contexts are current per thread, so every unit of work calls <see cref="MakeCurrent"/> first.
/// </summary>
internal sealed class CudaPrimaryContext : SafeHandle
{
    private CudaPrimaryContext(CudaDriverApi api, int device) : base(IntPtr.Zero, ownsHandle: true)
    {
        Api = api;
        Device = device;
    }

    public CudaDriverApi Api { get; }

    public int Device { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static CudaPrimaryContext Retain(CudaDriverApi api, int ordinal)
    {
        api.Check(api.cuDeviceGet(out var device, ordinal), nameof(api.cuDeviceGet));
        var context = new CudaPrimaryContext(api, device);
        api.Check(api.cuDevicePrimaryCtxRetain(out var pointer, device), nameof(api.cuDevicePrimaryCtxRetain));
        context.SetHandle(pointer);
        return context;
    }

    public void MakeCurrent() => Api.Check(Api.cuCtxSetCurrent(handle), nameof(Api.cuCtxSetCurrent));

    protected override bool ReleaseHandle() => Api.cuDevicePrimaryCtxRelease(Device) == CudaDriverApi.Success;
}

/// <summary>
/// A driver object that lives in a context: it holds a reference on the context so the context outlives it, and
/// makes the context current before releasing itself (release may run on the finalizer thread).
/// </summary>
internal abstract class CudaContextBoundHandle : SafeHandle
{
    protected CudaContextBoundHandle(CudaPrimaryContext context, IntPtr value) : base(IntPtr.Zero, ownsHandle: true)
    {
        Context = context;
        var added = false;
        context.DangerousAddRef(ref added);
        SetHandle(value);
    }

    protected CudaPrimaryContext Context { get; }

    protected CudaDriverApi Api => Context.Api;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected sealed override bool ReleaseHandle()
    {
        try
        {
            Api.cuCtxSetCurrent(Context.DangerousGetHandle());
            return Release() == CudaDriverApi.Success;
        }
        finally
        {
            Context.DangerousRelease();
        }
    }

    protected abstract int Release();
}

/// <summary>A cuMemAlloc allocation.</summary>
internal sealed class CudaDeviceMemory : CudaContextBoundHandle
{
    private CudaDeviceMemory(CudaPrimaryContext context, ulong pointer, long bytes)
        : base(context, (IntPtr)(long)pointer) => Bytes = bytes;

    public ulong Pointer => (ulong)(long)handle;

    public long Bytes { get; }

    public static CudaDeviceMemory Allocate(CudaPrimaryContext context, long bytes)
    {
        context.Api.Check(context.Api.cuMemAlloc(out var pointer, (nuint)bytes), nameof(context.Api.cuMemAlloc));
        return new CudaDeviceMemory(context, pointer, bytes);
    }

    protected override int Release() => Api.cuMemFree((ulong)(long)handle);
}

/// <summary>A loaded module (cuModuleLoadDataEx); its functions are valid while it is loaded.</summary>
internal sealed class CudaModule(CudaPrimaryContext context, IntPtr module) : CudaContextBoundHandle(context, module)
{
    public IntPtr Pointer => handle;

    protected override int Release() => Api.cuModuleUnload(handle);
}

/// <summary>A timing event (cuEventCreate with default flags, so it records times).</summary>
internal sealed class CudaEvent : CudaContextBoundHandle
{
    private CudaEvent(CudaPrimaryContext context, IntPtr value) : base(context, value)
    {
    }

    public IntPtr Pointer => handle;

    public static CudaEvent Create(CudaPrimaryContext context)
    {
        context.Api.Check(context.Api.cuEventCreate(out var value, 0), nameof(context.Api.cuEventCreate));
        return new CudaEvent(context, value);
    }

    protected override int Release() => Api.cuEventDestroy(handle);
}

/// <summary>An NVRTC program; destroyed with nvrtcDestroyProgram.</summary>
internal sealed class NvrtcProgram : SafeHandle
{
    private readonly NvrtcApi api;

    private NvrtcProgram(NvrtcApi api) : base(IntPtr.Zero, ownsHandle: true) => this.api = api;

    public override bool IsInvalid => handle == IntPtr.Zero;

    public IntPtr Pointer => handle;

    public static NvrtcProgram Create(NvrtcApi api, string source, string name)
    {
        var program = new NvrtcProgram(api);
        api.Check(api.nvrtcCreateProgram(out var pointer, source, name, 0, IntPtr.Zero, IntPtr.Zero), nameof(api.nvrtcCreateProgram));
        program.SetHandle(pointer);
        return program;
    }

    protected override bool ReleaseHandle()
    {
        var pointer = handle;
        return api.nvrtcDestroyProgram(ref pointer) == NvrtcApi.Success;
    }
}
