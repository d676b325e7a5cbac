using System.Runtime.InteropServices;

namespace Portal.Kernels.Cuda.Native;

/// <summary>
/// The CUDA driver API functions the engine uses, bound from libcuda by their exported names. Where cuda.h maps
/// a name to a versioned symbol with the same signature (cuMemAlloc → cuMemAlloc_v2), the versioned one is bound.
/// Context functions are bound by their plain names on purpose: newer drivers also export _v2 variants of those
/// with other signatures (cuCtxSynchronize_v2 takes a context). cuCtxCreate is avoided altogether because CUDA 13
/// changed its signature; the primary context is retained instead. Types: CUresult and CUdevice are int,
/// CUdeviceptr is a 64-bit integer, handles are pointers, size_t is nuint.
/// </summary>
internal sealed class CudaDriverApi
{
    public const int Success = 0;
    public const int NotReady = 600;
    public const int NotFound = 500;

    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeL2CacheSize = 38;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int FunctionAttributeMaxDynamicSharedSizeBytes = 8;
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int UIntFn(uint value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int OutIntFn(out int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetFn(out int device, int ordinal);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetNameFn([Out] byte[] name, int length, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceGetAttributeFn(out int value, int attribute, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceTotalMemFn(out nuint bytes, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int PrimaryCtxRetainFn(out IntPtr context, int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DeviceFn(int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int HandleFn(IntPtr handle);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int NoArgumentFn();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ModuleLoadDataExFn(
        out IntPtr module, byte[] image, uint optionCount, int[] options, IntPtr[] optionValues);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ModuleGetFunctionFn(
        out IntPtr function, IntPtr module, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int FuncSetAttributeFn(IntPtr function, int attribute, int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemAllocFn(out ulong pointer, nuint bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemFreeFn(ulong pointer);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemcpyHtoDFn(ulong destination, ref byte source, nuint bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemcpyDtoHFn(ref byte destination, ulong source, nuint bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemcpyDtoDFn(ulong destination, ulong source, nuint bytes);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemsetD32Fn(ulong destination, uint value, nuint count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int MemsetD8Fn(ulong destination, byte value, nuint count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int LaunchKernelFn(
        IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, IntPtr stream, IntPtr kernelParams, IntPtr extra);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventCreateFn(out IntPtr cudaEvent, uint flags);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventRecordFn(IntPtr cudaEvent, IntPtr stream);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int EventElapsedTimeFn(out float milliseconds, IntPtr start, IntPtr end);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int ErrorTextFn(int error, out IntPtr text);

    public CudaDriverApi(SharedLibrary library)
    {
        Library = library;
        cuInit = library.Function<UIntFn>("cuInit");
        cuDriverGetVersion = library.Function<OutIntFn>("cuDriverGetVersion");
        cuDeviceGetCount = library.Function<OutIntFn>("cuDeviceGetCount");
        cuDeviceGet = library.Function<DeviceGetFn>("cuDeviceGet");
        cuDeviceGetName = library.Function<DeviceGetNameFn>("cuDeviceGetName");
        cuDeviceGetAttribute = library.Function<DeviceGetAttributeFn>("cuDeviceGetAttribute");
        cuDeviceTotalMem = library.Function<DeviceTotalMemFn>("cuDeviceTotalMem_v2");
        cuDevicePrimaryCtxRetain = library.Function<PrimaryCtxRetainFn>("cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = library.Function<DeviceFn>("cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease");
        cuCtxSetCurrent = library.Function<HandleFn>("cuCtxSetCurrent");
        cuCtxSynchronize = library.Function<NoArgumentFn>("cuCtxSynchronize");
        cuModuleLoadDataEx = library.Function<ModuleLoadDataExFn>("cuModuleLoadDataEx");
        cuModuleGetFunction = library.Function<ModuleGetFunctionFn>("cuModuleGetFunction");
        cuModuleUnload = library.Function<HandleFn>("cuModuleUnload");
        cuFuncSetAttribute = library.Function<FuncSetAttributeFn>("cuFuncSetAttribute");
        cuMemAlloc = library.Function<MemAllocFn>("cuMemAlloc_v2");
        cuMemFree = library.Function<MemFreeFn>("cuMemFree_v2");
        cuMemcpyHtoD = library.Function<MemcpyHtoDFn>("cuMemcpyHtoD_v2");
        cuMemcpyDtoH = library.Function<MemcpyDtoHFn>("cuMemcpyDtoH_v2");
        cuMemcpyDtoD = library.Function<MemcpyDtoDFn>("cuMemcpyDtoD_v2");
        cuMemsetD32 = library.Function<MemsetD32Fn>("cuMemsetD32_v2");
        cuMemsetD8 = library.Function<MemsetD8Fn>("cuMemsetD8_v2");
        cuLaunchKernel = library.Function<LaunchKernelFn>("cuLaunchKernel");
        cuEventCreate = library.Function<EventCreateFn>("cuEventCreate");
        cuEventRecord = library.Function<EventRecordFn>("cuEventRecord");
        cuEventQuery = library.Function<HandleFn>("cuEventQuery");
        cuEventDestroy = library.Function<HandleFn>("cuEventDestroy_v2", "cuEventDestroy");
        // CUDA 12.8 added the _v2 symbol (same signature) and cuda.h maps the plain name to it; older drivers have only the plain one.
        cuEventElapsedTime = library.Function<EventElapsedTimeFn>("cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuGetErrorName = library.Function<ErrorTextFn>("cuGetErrorName");
        cuGetErrorString = library.Function<ErrorTextFn>("cuGetErrorString");
    }

    public SharedLibrary Library { get; }

    // Named as the C functions, so a reader can look each up in the driver API reference.
#pragma warning disable IDE1006
    public readonly UIntFn cuInit;
    public readonly OutIntFn cuDriverGetVersion;
    public readonly OutIntFn cuDeviceGetCount;
    public readonly DeviceGetFn cuDeviceGet;
    public readonly DeviceGetNameFn cuDeviceGetName;
    public readonly DeviceGetAttributeFn cuDeviceGetAttribute;
    public readonly DeviceTotalMemFn cuDeviceTotalMem;
    public readonly PrimaryCtxRetainFn cuDevicePrimaryCtxRetain;
    public readonly DeviceFn cuDevicePrimaryCtxRelease;
    public readonly HandleFn cuCtxSetCurrent;
    public readonly NoArgumentFn cuCtxSynchronize;
    public readonly ModuleLoadDataExFn cuModuleLoadDataEx;
    public readonly ModuleGetFunctionFn cuModuleGetFunction;
    public readonly HandleFn cuModuleUnload;
    public readonly FuncSetAttributeFn cuFuncSetAttribute;
    public readonly MemAllocFn cuMemAlloc;
    public readonly MemFreeFn cuMemFree;
    public readonly MemcpyHtoDFn cuMemcpyHtoD;
    public readonly MemcpyDtoHFn cuMemcpyDtoH;
    public readonly MemcpyDtoDFn cuMemcpyDtoD;
    public readonly MemsetD32Fn cuMemsetD32;
    public readonly MemsetD8Fn cuMemsetD8;
    public readonly LaunchKernelFn cuLaunchKernel;
    public readonly EventCreateFn cuEventCreate;
    public readonly EventRecordFn cuEventRecord;
    public readonly HandleFn cuEventQuery;
    public readonly HandleFn cuEventDestroy;
    public readonly EventElapsedTimeFn cuEventElapsedTime;
    public readonly ErrorTextFn cuGetErrorName;
    public readonly ErrorTextFn cuGetErrorString;
#pragma warning restore IDE1006

    /// <summary>Throws a <see cref="CudaException"/> carrying the driver's name and message unless <paramref name="result"/> is success.</summary>
    public void Check(int result, string function)
    {
        if (result != Success)
            throw Error(result, function);
    }

    public CudaException Error(int result, string function)
    {
        var name = cuGetErrorName(result, out var namePointer) == Success ? Marshal.PtrToStringUTF8(namePointer) : null;
        var text = cuGetErrorString(result, out var textPointer) == Success ? Marshal.PtrToStringUTF8(textPointer) : null;
        return new CudaException(function, result, name ?? "CUDA_ERROR_UNKNOWN", text ?? "the driver has no description of this code");
    }
}
