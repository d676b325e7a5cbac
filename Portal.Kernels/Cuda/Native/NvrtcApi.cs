using System.Runtime.InteropServices;

namespace Portal.Kernels.Cuda.Native;

/// <summary>
/// The NVRTC functions the engine uses (CUDA C++ to PTX or CUBIN at run time), bound from libnvrtc, whose soname
/// carries the CUDA major version (libnvrtc.so.13). nvrtcResult is int; nvrtcProgram is a pointer.
/// </summary>
internal sealed class NvrtcApi
{
    public const int Success = 0;
    public const int CompilationError = 6;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int VersionFn(out int major, out int minor);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int OutIntFn(out int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int IntArrayFn([Out] int[] values);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CreateProgramFn(
        out IntPtr program, [MarshalAs(UnmanagedType.LPUTF8Str)] string source, [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        int headerCount, IntPtr headers, IntPtr includeNames);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int CompileProgramFn(
        IntPtr program, int optionCount, [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPUTF8Str)] string[] options);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int SizeFn(IntPtr program, out nuint size);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int BytesFn(IntPtr program, [Out] byte[] destination);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate IntPtr ErrorStringFn(int result);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] public delegate int DestroyProgramFn(ref IntPtr program);

    public NvrtcApi(SharedLibrary library)
    {
        Library = library;
        nvrtcVersion = library.Function<VersionFn>("nvrtcVersion");
        nvrtcGetNumSupportedArchs = library.Function<OutIntFn>("nvrtcGetNumSupportedArchs");
        nvrtcGetSupportedArchs = library.Function<IntArrayFn>("nvrtcGetSupportedArchs");
        nvrtcCreateProgram = library.Function<CreateProgramFn>("nvrtcCreateProgram");
        nvrtcCompileProgram = library.Function<CompileProgramFn>("nvrtcCompileProgram");
        nvrtcGetProgramLogSize = library.Function<SizeFn>("nvrtcGetProgramLogSize");
        nvrtcGetProgramLog = library.Function<BytesFn>("nvrtcGetProgramLog");
        nvrtcGetCUBINSize = library.Function<SizeFn>("nvrtcGetCUBINSize");
        nvrtcGetCUBIN = library.Function<BytesFn>("nvrtcGetCUBIN");
        nvrtcGetPTXSize = library.Function<SizeFn>("nvrtcGetPTXSize");
        nvrtcGetPTX = library.Function<BytesFn>("nvrtcGetPTX");
        nvrtcGetErrorString = library.Function<ErrorStringFn>("nvrtcGetErrorString");
        nvrtcDestroyProgram = library.Function<DestroyProgramFn>("nvrtcDestroyProgram");
    }

    public SharedLibrary Library { get; }

#pragma warning disable IDE1006
    public readonly VersionFn nvrtcVersion;
    public readonly OutIntFn nvrtcGetNumSupportedArchs;
    public readonly IntArrayFn nvrtcGetSupportedArchs;
    public readonly CreateProgramFn nvrtcCreateProgram;
    public readonly CompileProgramFn nvrtcCompileProgram;
    public readonly SizeFn nvrtcGetProgramLogSize;
    public readonly BytesFn nvrtcGetProgramLog;
    public readonly SizeFn nvrtcGetCUBINSize;
    public readonly BytesFn nvrtcGetCUBIN;
    public readonly SizeFn nvrtcGetPTXSize;
    public readonly BytesFn nvrtcGetPTX;
    public readonly ErrorStringFn nvrtcGetErrorString;
    public readonly DestroyProgramFn nvrtcDestroyProgram;
#pragma warning restore IDE1006

    public void Check(int result, string function)
    {
        if (result != Success)
            throw Error(result, function);
    }

    public NvrtcException Error(int result, string function) =>
        new(function, result, Marshal.PtrToStringUTF8(nvrtcGetErrorString(result)) ?? "NVRTC_ERROR_UNKNOWN");

    /// <summary>"13.0": the version NVRTC reports for itself.</summary>
    public string Version()
    {
        Check(nvrtcVersion(out var major, out var minor), nameof(nvrtcVersion));
        return $"{major}.{minor}";
    }

    /// <summary>The sm_XY numbers (e.g. 75, 80, 90) this NVRTC can generate machine code for.</summary>
    public IReadOnlyList<int> SupportedArchitectures()
    {
        Check(nvrtcGetNumSupportedArchs(out var count), nameof(nvrtcGetNumSupportedArchs));
        var architectures = new int[count];
        Check(nvrtcGetSupportedArchs(architectures), nameof(nvrtcGetSupportedArchs));
        return architectures;
    }
}
