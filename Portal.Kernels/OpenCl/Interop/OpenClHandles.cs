using Microsoft.Win32.SafeHandles;

namespace Portal.Kernels.OpenCl.Interop;

// One SafeHandle per reference-counted OpenCL object, so a handle is released exactly once even when an
// exception or a cancellation leaves a launch half-way. Platform and device ids are not reference-counted
// (root devices), so they stay IntPtr.

internal sealed class ClContextHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseContext(handle) == ClStatus.Success;
}

internal sealed class ClQueueHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseCommandQueue(handle) == ClStatus.Success;
}

internal sealed class ClProgramHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseProgram(handle) == ClStatus.Success;
}

internal sealed class ClKernelHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseKernel(handle) == ClStatus.Success;
}

internal sealed class ClMemHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseMemObject(handle) == ClStatus.Success;
}

internal sealed class ClEventHandle() : SafeHandleZeroOrMinusOneIsInvalid(true)
{
    protected override bool ReleaseHandle() => OpenClNative.clReleaseEvent(handle) == ClStatus.Success;
}
