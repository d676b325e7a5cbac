using System.Buffers.Binary;
using System.Text;

namespace Portal.Kernels.OpenCl.Interop;

/// <summary>
/// The clGet*Info calls all work the same way: ask for the size, then for the value. This reads strings and
/// numbers (cl_uint, cl_ulong, size_t, cl_bool, by the size the driver reports) through one path.
/// </summary>
internal static class ClInfo
{
    // Platform and device parameters (cl.h, OpenCL 1.2).
    public const uint PlatformVersion = 0x0901;
    public const uint PlatformName = 0x0902;
    public const uint PlatformVendor = 0x0903;
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceMemBaseAddrAlign = 0x1019;
    public const uint DeviceGlobalMemCacheSize = 0x101E;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceLocalMemSize = 0x1023;
    public const uint DeviceAvailable = 0x1027;
    public const uint DeviceCompilerAvailable = 0x1028;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceVersion = 0x102F;
    public const uint DeviceExtensions = 0x1030;
    public const uint DeviceOpenClCVersion = 0x103D;

    public const ulong DeviceTypeCpu = 1 << 1;
    public const ulong DeviceTypeGpu = 1 << 2;
    public const ulong DeviceTypeAccelerator = 1 << 3;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;

    // Program, kernel, event.
    public const uint ProgramKernelNames = 0x1168;
    public const uint ProgramBuildLog = 0x1183;
    public const uint KernelNumArgs = 0x1191;
    public const uint KernelWorkGroupSize = 0x11B0;
    public const uint EventCommandExecutionStatus = 0x11D3;
    public const uint ProfilingCommandStart = 0x1282;
    public const uint ProfilingCommandEnd = 0x1283;

    public delegate int Query(nuint size, byte[]? value, out nuint sizeReturned);

    public static byte[] Bytes(Query query, string call)
    {
        OpenClException.ThrowIfFailed(query(0, null, out var size), call);
        var value = new byte[checked((int)size)];
        if (size > 0)
            OpenClException.ThrowIfFailed(query(size, value, out _), call);
        return value;
    }

    /// <summary>A char[] value without its terminating NUL and surrounding blanks (drivers pad some).</summary>
    public static string Text(Query query, string call) =>
        Encoding.UTF8.GetString(Bytes(query, call)).TrimEnd('\0').Trim();

    public static ulong Number(Query query, string call)
    {
        var bytes = Bytes(query, call);
        return bytes.Length switch
        {
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            _ => throw new InvalidOperationException($"{call} returned {bytes.Length} bytes for a number"),
        };
    }

    public static string PlatformText(IntPtr platform, uint name) =>
        Text((nuint s, byte[]? v, out nuint r) => OpenClNative.clGetPlatformInfo(platform, name, s, v, out r), "clGetPlatformInfo");

    public static string DeviceText(IntPtr device, uint name) =>
        Text((nuint s, byte[]? v, out nuint r) => OpenClNative.clGetDeviceInfo(device, name, s, v, out r), "clGetDeviceInfo");

    public static ulong DeviceNumber(IntPtr device, uint name) =>
        Number((nuint s, byte[]? v, out nuint r) => OpenClNative.clGetDeviceInfo(device, name, s, v, out r), "clGetDeviceInfo");

    /// <summary>Every platform the ICD loader knows, in its order (the order device ids are numbered in).</summary>
    public static IntPtr[] Platforms()
    {
        var status = OpenClNative.clGetPlatformIDs(0, null, out var count);
        // The Khronos loader reports "no ICD installed" as an error rather than as zero platforms.
        if (status == ClStatus.PlatformNotFoundKhr || count == 0)
            return [];
        OpenClException.ThrowIfFailed(status, "clGetPlatformIDs");
        var platforms = new IntPtr[count];
        OpenClException.ThrowIfFailed(OpenClNative.clGetPlatformIDs(count, platforms, out _), "clGetPlatformIDs");
        return platforms;
    }

    public static IntPtr[] Devices(IntPtr platform)
    {
        var status = OpenClNative.clGetDeviceIDs(platform, DeviceTypeAll, 0, null, out var count);
        if (status == ClStatus.DeviceNotFound || count == 0)
            return [];
        OpenClException.ThrowIfFailed(status, "clGetDeviceIDs");
        var devices = new IntPtr[count];
        OpenClException.ThrowIfFailed(OpenClNative.clGetDeviceIDs(platform, DeviceTypeAll, count, devices, out _), "clGetDeviceIDs");
        return devices;
    }
}
