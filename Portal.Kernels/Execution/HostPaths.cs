using System.Text.RegularExpressions;

namespace Portal.Kernels.Execution;

/// <summary>
/// Build logs and failure messages reach other organisations: they name files by their name alone, never by where
/// they lie on the agent's host (a temporary folder, a home folder, an installation path). One place, used for every
/// executor's log and message by the runner, and for a crashed child's last words.
/// </summary>
public static partial class HostPaths
{
    /// <summary>The text with every absolute path replaced by its last part: "/tmp/pocl_x/kernel.cl:3:1" → "kernel.cl:3:1".</summary>
    public static string? Redact(string? text) => text is null ? null : AbsolutePath().Replace(text, m => m.Groups["name"].Value);

    // A slash that does not follow a word (so "n/2" and "GB/s" stay), then one or more path segments.
    [GeneratedRegex(@"(?<![\w.~\-/])/(?:[^\s/:'""()<>,;`]+/)*(?<name>[^\s/:'""()<>,;`]+)")]
    private static partial Regex AbsolutePath();
}
