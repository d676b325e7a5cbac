using System.Globalization;
using Portal.Kernels.OpenCl.Interop;
using Portal.Kernels.Spec;

namespace Portal.Kernels.OpenCl;

/// <summary>Lists every OpenCL platform × device on this host through the ICD loader.</summary>
public static class OpenClDiscovery
{
    public const string IdPrefix = "opencl:";

    /// <summary>
    /// Every device of every platform. A host without an OpenCL loader or without any vendor driver gets an
    /// empty list and a problem saying so, never an exception: most agents run on hosts without OpenCL.
    /// </summary>
    public static OpenClDeviceScan Discover() => WithoutRuntimeAsEmpty(Enumerate);

    /// <summary>The device with this id, if this host has it.</summary>
    public static OpenClDevice? Find(string id) => Discover().Devices.FirstOrDefault(d => d.Id == id);

    /// <summary>The boundary where a missing native library becomes "no OpenCL runtime".</summary>
    internal static OpenClDeviceScan WithoutRuntimeAsEmpty(Func<OpenClDeviceScan> enumerate)
    {
        try
        {
            return enumerate();
        }
        catch (DllNotFoundException)
        {
            return new OpenClDeviceScan([], ["no OpenCL runtime: the OpenCL ICD loader (libOpenCL.so.1 / OpenCL.dll) is not installed"]);
        }
        catch (EntryPointNotFoundException e)
        {
            return new OpenClDeviceScan([], [$"no usable OpenCL runtime: the OpenCL loader lacks an OpenCL 1.2 function ({e.Message})"]);
        }
    }

    /// <summary>The native platform and device behind an id from <see cref="Discover"/>; null when there is none.</summary>
    /// <exception cref="DllNotFoundException">The host has no OpenCL loader.</exception>
    internal static (IntPtr Platform, IntPtr Device)? Locate(string id)
    {
        var parts = id.Split(':');
        if (parts.Length != 3 || parts[0] + ":" != IdPrefix
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d))
            return null;
        var platforms = ClInfo.Platforms();
        if (p >= platforms.Length)
            return null;
        var devices = ClInfo.Devices(platforms[p]);
        return d < devices.Length ? (platforms[p], devices[d]) : null;
    }

    private static OpenClDeviceScan Enumerate()
    {
        var found = new List<OpenClDevice>();
        var problems = new List<string>();
        var failed = false;
        IntPtr[] platforms;
        try
        {
            platforms = ClInfo.Platforms();
        }
        catch (OpenClException e)
        {
            return new OpenClDeviceScan([], [$"listing OpenCL platforms: {e.Message}"], Failed: true);
        }
        if (platforms.Length == 0)
            problems.Add("no OpenCL platform: the ICD loader is installed but found no vendor driver (.icd file)");

        for (var p = 0; p < platforms.Length; p++)
        {
            IntPtr[] devices;
            try
            {
                devices = ClInfo.Devices(platforms[p]);
            }
            catch (OpenClException e)
            {
                problems.Add($"OpenCL platform {p}: {e.Message}");
                failed = true;
                continue;
            }
            // A device whose details cannot be read is left out but keeps its index, so the others' ids hold.
            for (var d = 0; d < devices.Length; d++)
            {
                try
                {
                    found.Add(Describe(p, d, platforms[p], devices[d]));
                }
                catch (OpenClException e)
                {
                    problems.Add($"{IdPrefix}{p}:{d}: {e.Message}");
                    failed = true;
                }
            }
        }
        return new OpenClDeviceScan(found, problems, failed);
    }

    private static OpenClDevice Describe(int p, int d, IntPtr platform, IntPtr device)
    {
        long Number(uint name) => checked((long)ClInfo.DeviceNumber(device, name));
        var available = Number(ClInfo.DeviceAvailable) != 0;
        var compiler = Number(ClInfo.DeviceCompilerAvailable) != 0;
        return new OpenClDevice(
            Id: $"{IdPrefix}{p}:{d}",
            PlatformIndex: p,
            DeviceIndex: d,
            Platform: ClInfo.PlatformText(platform, ClInfo.PlatformName),
            Name: ClInfo.DeviceText(device, ClInfo.DeviceName),
            Vendor: ClInfo.DeviceText(device, ClInfo.DeviceVendor),
            DriverVersion: ClInfo.DeviceText(device, ClInfo.DriverVersion),
            OpenClVersion: ClInfo.DeviceText(device, ClInfo.DeviceVersion),
            OpenClCVersion: ClInfo.DeviceText(device, ClInfo.DeviceOpenClCVersion),
            Type: TypeName(ClInfo.DeviceNumber(device, ClInfo.DeviceType)),
            GlobalMemoryBytes: Number(ClInfo.DeviceGlobalMemSize),
            MaxAllocationBytes: Number(ClInfo.DeviceMaxMemAllocSize),
            GlobalMemoryCacheBytes: Number(ClInfo.DeviceGlobalMemCacheSize),
            ComputeUnits: checked((int)Number(ClInfo.DeviceMaxComputeUnits)),
            MaxWorkGroupSize: Number(ClInfo.DeviceMaxWorkGroupSize),
            Available: available,
            Languages: available && compiler ? [KernelLanguage.OpenClC.Name()] : []);
    }

    private static string TypeName(ulong type) =>
        (type & ClInfo.DeviceTypeGpu) != 0 ? "gpu"
        : (type & ClInfo.DeviceTypeAccelerator) != 0 ? "accelerator"
        : (type & ClInfo.DeviceTypeCpu) != 0 ? "cpu"
        : "other";
}
