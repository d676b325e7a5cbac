using System.Collections;
using Portal.Kernels.Isolation;

namespace Portal.Kernels.Triton;

/// <summary>
/// The environment and command line of a harness process. The environment is built from an allow-list rather
/// than inherited, so tokens and secrets in the agent's environment never reach submitted code, and every cache
/// Python, Triton and CUDA write goes to the job's own folder: one job cannot plant compiled code for the next,
/// and under the sandbox (read-only everywhere else) those writes still succeed.
/// </summary>
internal static class TritonEnvironment
{
    /// <summary>Names the harness reads its result prefix from; it removes it before importing the submitted module.</summary>
    public const string ResultVariable = "PORTAL_TRITON_RESULT";

    public static Dictionary<string, string> For(string workDirectory, TritonOptions options, string? resultPrefix,
        IDictionary? inherited = null)
    {
        var variables = KernelSandbox.PassedThrough(inherited ?? Environment.GetEnvironmentVariables());
        variables["HOME"] = workDirectory;
        variables["TMPDIR"] = Path.Combine(workDirectory, "tmp");
        variables["TRITON_HOME"] = workDirectory;
        variables["TRITON_CACHE_DIR"] = Path.Combine(workDirectory, "triton-cache");
        variables["PYTHONDONTWRITEBYTECODE"] = "1";
        variables["PYTHONUNBUFFERED"] = "1";
        foreach (var (name, value) in options.Environment)
            variables[name] = value;
        if (resultPrefix is not null)
            variables[ResultVariable] = resultPrefix;
        return variables;
    }

    /// <summary>Creates the folders the environment points into.</summary>
    public static void CreateFolders(string workDirectory)
    {
        Directory.CreateDirectory(Path.Combine(workDirectory, "tmp"));
        Directory.CreateDirectory(Path.Combine(workDirectory, "triton-cache"));
    }

    /// <summary>
    /// The command, in the <see cref="KernelSandbox"/> when the sandbox is in force: the same one as every other
    /// language's (no network, nothing of the host's files but the system, the drivers and the Python installation the
    /// environment names, only the job's folder writable); inside an agent's sandboxed child, which is that sandbox
    /// already, the command itself.
    /// </summary>
    public static IReadOnlyList<string> Command(IReadOnlyList<string> command, string workDirectory, TritonOptions options, bool sandboxed,
        IReadOnlyDictionary<string, string> environment) =>
        !sandboxed || KernelSandbox.IsInside
            ? command
            : new KernelSandbox(options.Bubblewrap).Command(command, workDirectory, environment, PythonFolders(options));

    /// <summary>An interpreter given by path (a virtual environment's, a conda one's) has its installation bound too.</summary>
    private static IEnumerable<string> PythonFolders(TritonOptions options)
    {
        if (!options.Python.Contains('/') || !File.Exists(options.Python))
            yield break;
        foreach (var python in (string[])[Path.GetFullPath(options.Python), KernelSandbox.RealPath(options.Python)])
        {
            // .../bin/python3 → the installation above bin.
            if (Path.GetDirectoryName(Path.GetDirectoryName(python)) is { } prefix)
                yield return prefix;
        }
    }
}
