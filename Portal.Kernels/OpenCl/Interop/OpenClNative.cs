using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Portal.Kernels.OpenCl.Interop;

/// <summary>
/// The OpenCL 1.2 entry points the executor and discovery use, bound to the ICD loader. Plain DllImport with
/// blittable parameters, so no unsafe code is needed; handles come back as <see cref="SafeHandle"/>s.
/// </summary>
internal static class OpenClNative
{
    private const string Library = "OpenCL";

    // Linux distributions ship the loader as libOpenCL.so.1 (the unversioned name comes with -dev packages),
    // which default probing does not try. A ResolvingUnmanagedDll handler rather than SetDllImportResolver,
    // because the latter is one per assembly and other backends in this assembly may need their own.
    private static readonly string[] Candidates =
        ["libOpenCL.so.1", "libOpenCL.so", "/System/Library/Frameworks/OpenCL.framework/OpenCL", "OpenCL.dll"];

    static OpenClNative() =>
        AssemblyLoadContext.GetLoadContext(typeof(OpenClNative).Assembly)!.ResolvingUnmanagedDll += Resolve;

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        if (assembly != typeof(OpenClNative).Assembly || name != Library)
            return IntPtr.Zero;
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, out var handle))
                return handle;
        return IntPtr.Zero;
    }

    /// <summary>Signature of clCreateContext's pfn_notify: the driver's own description of an error.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void ContextNotify(IntPtr errorInfo, IntPtr privateInfo, nuint privateInfoSize, IntPtr userData);

    [DllImport(Library)] public static extern int clGetPlatformIDs(uint numEntries, IntPtr[]? platforms, out uint numPlatforms);

    [DllImport(Library)] public static extern int clGetPlatformInfo(IntPtr platform, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clGetDeviceIDs(IntPtr platform, ulong type, uint numEntries, IntPtr[]? devices, out uint numDevices);

    [DllImport(Library)] public static extern int clGetDeviceInfo(IntPtr device, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)]
    public static extern ClContextHandle clCreateContext(IntPtr properties, uint numDevices, IntPtr[] devices,
        ContextNotify? notify, IntPtr userData, out int status);

    [DllImport(Library)] public static extern int clReleaseContext(IntPtr context);

    // clCreateCommandQueue is deprecated from OpenCL 2.0 but present in every ICD loader; the 2.0 replacement
    // is absent on 1.2 devices (NVIDIA shipped 1.2 for years).
    [DllImport(Library)] public static extern ClQueueHandle clCreateCommandQueue(ClContextHandle context, IntPtr device, ulong properties, out int status);

    [DllImport(Library)] public static extern int clReleaseCommandQueue(IntPtr queue);

    [DllImport(Library)] public static extern int clFinish(ClQueueHandle queue);

    [DllImport(Library)]
    public static extern ClProgramHandle clCreateProgramWithSource(ClContextHandle context, uint count, ref IntPtr strings,
        ref nuint lengths, out int status);

    [DllImport(Library)]
    public static extern int clBuildProgram(ClProgramHandle program, uint numDevices, IntPtr[] devices,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string options, IntPtr notify, IntPtr userData);

    [DllImport(Library)] public static extern int clGetProgramBuildInfo(ClProgramHandle program, IntPtr device, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clGetProgramInfo(ClProgramHandle program, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clReleaseProgram(IntPtr program);

    [DllImport(Library)]
    public static extern ClKernelHandle clCreateKernel(ClProgramHandle program, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out int status);

    [DllImport(Library)] public static extern int clGetKernelInfo(ClKernelHandle kernel, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clGetKernelWorkGroupInfo(ClKernelHandle kernel, IntPtr device, uint name, nuint size, byte[]? value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clReleaseKernel(IntPtr kernel);

    [DllImport(Library)] public static extern int clSetKernelArg(ClKernelHandle kernel, uint index, nuint size, ref IntPtr value);

    [DllImport(Library)] public static extern int clSetKernelArg(ClKernelHandle kernel, uint index, nuint size, ref int value);

    [DllImport(Library)] public static extern int clSetKernelArg(ClKernelHandle kernel, uint index, nuint size, ref float value);

    [DllImport(Library)] public static extern int clSetKernelArg(ClKernelHandle kernel, uint index, nuint size, ref double value);

    [DllImport(Library)] public static extern ClMemHandle clCreateBuffer(ClContextHandle context, ulong flags, nuint size, IntPtr hostPointer, out int status);

    /// <summary>cl_buffer_region: a sub-buffer's origin and size in bytes within its parent.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BufferRegion(nuint origin, nuint size)
    {
        public nuint Origin = origin;
        public nuint Size = size;
    }

    /// <summary>CL_BUFFER_CREATE_TYPE_REGION, the one sub-buffer kind OpenCL 1.2 has.</summary>
    public const uint BufferCreateTypeRegion = 0x1220;

    [DllImport(Library)]
    public static extern ClMemHandle clCreateSubBuffer(ClMemHandle buffer, ulong flags, uint createType, ref BufferRegion region, out int status);

    [DllImport(Library)] public static extern int clReleaseMemObject(IntPtr memory);

    [DllImport(Library)]
    public static extern int clEnqueueWriteBuffer(ClQueueHandle queue, ClMemHandle buffer, uint blocking, nuint offset, nuint size,
        ref byte source, uint numEvents, IntPtr waitList, IntPtr @event);

    [DllImport(Library)]
    public static extern int clEnqueueReadBuffer(ClQueueHandle queue, ClMemHandle buffer, uint blocking, nuint offset, nuint size,
        ref byte destination, uint numEvents, IntPtr waitList, IntPtr @event);

    [DllImport(Library)]
    public static extern int clEnqueueFillBuffer(ClQueueHandle queue, ClMemHandle buffer, ref int pattern, nuint patternSize,
        nuint offset, nuint size, uint numEvents, IntPtr waitList, IntPtr @event);

    [DllImport(Library)]
    public static extern int clEnqueueCopyBuffer(ClQueueHandle queue, ClMemHandle source, ClMemHandle destination, nuint sourceOffset,
        nuint destinationOffset, nuint size, uint numEvents, IntPtr waitList, out ClEventHandle @event);

    [DllImport(Library)]
    public static extern int clEnqueueNDRangeKernel(ClQueueHandle queue, ClKernelHandle kernel, uint workDimensions, IntPtr globalOffset,
        nuint[] globalSize, nuint[]? localSize, uint numEvents, IntPtr waitList, out ClEventHandle @event);

    [DllImport(Library)] public static extern int clWaitForEvents(uint numEvents, ref IntPtr events);

    [DllImport(Library)] public static extern int clGetEventInfo(ClEventHandle @event, uint name, nuint size, out int value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clGetEventProfilingInfo(ClEventHandle @event, uint name, nuint size, out ulong value, out nuint sizeReturned);

    [DllImport(Library)] public static extern int clReleaseEvent(IntPtr @event);
}
