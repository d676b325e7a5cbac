using System.Text.RegularExpressions;

namespace Portal.Kernels.Execution;

/// <summary>
/// Build logs and failure messages reach other organisations: they name files by their name alone, never by where
/// they lie on the agent's host (a temporary folder, a home folder, an installation path), and the file the user
/// submitted by one stable name whatever the toolchain called its copy: <c>kernel.cl</c> (PoCL's cache
/// <c>tempfile_….cl</c>), <c>kernel.cu</c> (NVRTC's program name, nvcc's <c>tmpxft_…</c> files) and <c>kernel.py</c> (the
/// Triton module). The engine compiles the source exactly as submitted, with nothing prepended, so a line number in a
/// log is the line of the user's source. One place, used for every executor's log and message by the runner, and for a
/// crashed child's last words.
/// </summary>
public static partial class HostPaths
{
    /// <summary>The name a log gives the submitted OpenCL C source.</summary>
    public const string OpenClSource = "kernel.cl";

    /// <summary>The name a log gives the submitted CUDA C source (also NVRTC's program name).</summary>
    public const string CudaSource = "kernel.cu";

    /// <summary>The name a log gives the submitted Triton module.</summary>
    public const string TritonSource = "kernel.py";

    /// <summary>
    /// The text with every absolute path replaced by its last part ("/tmp/pocl_x/kernel.cl:3:1" → "kernel.cl:3:1"), and the
    /// toolchains' temporary names for the user's source replaced by its stable name
    /// ("/root/.cache/pocl/kcache/tempfile_Ab12.cl:3:29" → "kernel.cl:3:29").
    /// </summary>
    public static string? Redact(string? text)
    {
        if (text is null)
            return null;
        var names = AbsolutePath().Replace(text, m => m.Groups["name"].Value);
        names = PoclTemporary().Replace(names, OpenClSource);
        names = NvccTemporary().Replace(names, CudaSource);
        return TritonModule().Replace(names, TritonSource);
    }

    // A slash that does not follow a word (so "n/2" and "GB/s" stay), then one or more path segments.
    [GeneratedRegex(@"(?<![\w.~\-/])/(?:[^\s/:'""()<>,;`]+/)*(?<name>[^\s/:'""()<>,;`]+)")]
    private static partial Regex AbsolutePath();

    // PoCL writes the program's source to its kernel cache as tempfile_XXXXXX.cl (or .c) before building it.
    [GeneratedRegex(@"\btempfile_[A-Za-z0-9_]+\.cl?\b")]
    private static partial Regex PoclTemporary();

    // nvcc's intermediate files: tmpxft_00001234_00000000-6_name.cudafe1.cpp and the like.
    [GeneratedRegex(@"\btmpxft_[0-9a-fA-F]+_[0-9a-fA-F]+-\d+_[\w.]*\b")]
    private static partial Regex NvccTemporary();

    [GeneratedRegex(@"\bsubmitted_kernel\.py\b")]
    private static partial Regex TritonModule();
}
