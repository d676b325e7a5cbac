using System.Runtime.InteropServices;

namespace Portal.Kernels.Cuda.Native;

/// <summary>
/// A native library opened by trying several file names, because sonames move between versions
/// (libnvrtc.so.13, libnvrtc.so.12, …) and a plain DllImport name would find only one of them. Functions are
/// bound as delegates, so the library stays an ordinary optional dependency: a missing file or symbol is a
/// reason to report, not a crash. Drivers are never unloaded.
/// </summary>
internal sealed class SharedLibrary
{
    private readonly IntPtr handle;

    private SharedLibrary(string name, IntPtr handle)
    {
        Name = name;
        this.handle = handle;
    }

    /// <summary>The candidate that loaded.</summary>
    public string Name { get; }

    /// <returns>The first candidate that loads, or null with <paramref name="reason"/> naming what was tried.</returns>
    public static SharedLibrary? TryLoad(IReadOnlyList<string> candidates, out string reason)
    {
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                reason = "";
                return new SharedLibrary(candidate, handle);
            }
        }
        reason = $"none of {string.Join(", ", candidates)} could be loaded";
        return null;
    }

    /// <summary>The first of <paramref name="names"/> the library exports, as a delegate.</summary>
    /// <exception cref="EntryPointNotFoundException">None of the names is exported (an older library).</exception>
    public T Function<T>(params string[] names) where T : Delegate
    {
        foreach (var name in names)
        {
            if (NativeLibrary.TryGetExport(handle, name, out var address))
                return Marshal.GetDelegateForFunctionPointer<T>(address);
        }
        throw new EntryPointNotFoundException($"{Name} exports none of {string.Join(", ", names)}");
    }
}
