using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Portal.Kernels.Isolation;

/// <summary>Whether the sandbox works on this host, and a sentence saying why not (for the verdict and the log).</summary>
public sealed record SandboxCheck(bool Works, string Description);

/// <summary>
/// The one sandbox every kernel runs in, in every language: the isolated child that compiles and launches OpenCL C
/// and CUDA C, the custom-op reference, and Triton's Python. bubblewrap gives it its own mount, network, PID, IPC,
/// UTS and user namespaces, no capabilities, and a file system of only what the drivers and runtimes need, read-only:
/// /usr (with /bin, /lib… as the host has them), the loader's and OpenCL's few files in /etc, /sys, a fresh /proc and
/// /dev (with the GPU's nodes), the agent's own program folder, and the folders the environment points the runtimes
/// at. The job's folder is the only one it can write. Nothing else of the host — the agent's state, its tokens, the
/// checkout it was started from, other users' files — exists inside. The environment is an allow-list: no PORTAL_*.
/// </summary>
public sealed class KernelSandbox(string bubblewrap = "bwrap")
{
    /// <summary>Set inside the sandbox, so that code there (Triton's executor) does not try to nest another one.</summary>
    public const string InsideVariable = "KERNEL_SANDBOX";

    /// <summary>The agent's command-line flag that runs kernels without the sandbox, for trusted local use only.</summary>
    public const string OptOutFlag = "--unsandboxed-kernels";

    public const string InstallHint = "install bubblewrap (apt-get install bubblewrap)";

    private static readonly ConcurrentDictionary<string, SandboxCheck> Works = new(StringComparer.Ordinal);

    /// <summary>Folders of this process that no sandbox may show, e.g. the custom-op reference cache.</summary>
    private static readonly ConcurrentDictionary<string, bool> Hidden = new(StringComparer.Ordinal);

    /// <summary>
    /// Keeps <paramref name="folder"/> out of every sandbox this process builds (kernel children and Triton's harness):
    /// no folder that is it or lies in it is bound, whatever the environment's paths name, and where a bound folder holds
    /// it, an empty folder covers it.
    /// </summary>
    public static void Hide(string folder) => Hidden[RealPath(folder)] = true;

    /// <summary>The system's bubblewrap, found on PATH.</summary>
    public static KernelSandbox Default { get; } = new();

    public string Bubblewrap { get; } = bubblewrap;

    /// <summary>Whether this process already runs inside a kernel sandbox.</summary>
    public static bool IsInside => Environment.GetEnvironmentVariable(InsideVariable) == "bubblewrap";

    /// <summary>The environment variables passed through from the agent: what loaders, drivers and runtimes read.</summary>
    private static readonly HashSet<string> PassedNames = new(StringComparer.Ordinal)
    {
        "PATH", "LD_LIBRARY_PATH", "LANG", "LC_ALL", "LC_CTYPE", "OCL_ICD_VENDORS", "OCL_ICD_FILENAMES",
        "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV", "CONDA_PREFIX", "CC", "CXX",
    };

    private static readonly string[] PassedPrefixes = ["CUDA_", "NVIDIA_", "TRITON_", "DOTNET_", "POCL_"];

    /// <summary>The GPU runbook's driver folders (docs/h200-runbook.md): bound whenever they exist.</summary>
    private static readonly string[] DriverFolders =
        ["/usr/local/cuda/targets/x86_64-linux/lib", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"];

    private static readonly string[] EtcFiles =
        ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/OpenCL", "/etc/alternatives", "/etc/nvidia"];

    private static readonly string[] RootLinks = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

    /// <summary>
    /// The environment of a sandboxed agent child: the allow-listed variables of <paramref name="inherited"/>, with home,
    /// temporary files and every compiler cache in the job's own folder (so one job cannot plant compiled code for the
    /// next), and the marker that says the child is sandboxed.
    /// </summary>
    public static Dictionary<string, string> ChildEnvironment(string workFolder, IDictionary? inherited = null)
    {
        var variables = PassedThrough(inherited ?? Environment.GetEnvironmentVariables());
        variables["HOME"] = Path.Combine(workFolder, "home");
        variables["TMPDIR"] = Path.Combine(workFolder, "tmp");
        variables["XDG_CACHE_HOME"] = Path.Combine(workFolder, "cache");
        variables["POCL_CACHE_DIR"] = Path.Combine(workFolder, "cache", "pocl");
        variables["TRITON_CACHE_DIR"] = Path.Combine(workFolder, "cache", "triton");
        variables["CUDA_CACHE_PATH"] = Path.Combine(workFolder, "cache", "nv");
        return variables;
    }

    /// <summary>
    /// The allow-listed variables of <paramref name="inherited"/> (what loaders, drivers and runtimes read; never a
    /// token), and where packages installed with pip --user live, which stay visible although HOME moves.
    /// </summary>
    public static Dictionary<string, string> PassedThrough(IDictionary inherited)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in inherited)
        {
            if (entry is { Key: string name, Value: string value }
                && (PassedNames.Contains(name) || PassedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))))
                variables[name] = value;
        }
        if (!variables.ContainsKey("PYTHONUSERBASE") && inherited["HOME"] is string home)
            variables["PYTHONUSERBASE"] = Path.Combine(home, ".local");
        return variables;
    }

    /// <summary>Creates the folders <see cref="ChildEnvironment"/> points into.</summary>
    public static void CreateFolders(string workFolder)
    {
        foreach (var folder in (string[])["home", "tmp", "cache"])
            Directory.CreateDirectory(Path.Combine(workFolder, folder));
    }

    /// <summary>
    /// <paramref name="command"/> under bubblewrap, with exactly <paramref name="environment"/>, the working directory
    /// <paramref name="workFolder"/> (the only writable folder) and, read-only, the system, the driver folders, the
    /// folders the environment's library and Python paths name, and <paramref name="programFolders"/>.
    /// </summary>
    public IReadOnlyList<string> Command(IReadOnlyList<string> command, string workFolder, IReadOnlyDictionary<string, string> environment,
        IEnumerable<string>? programFolders = null)
    {
        List<string> args =
        [
            Bubblewrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr",
        ];
        foreach (var name in RootLinks)
        {
            var path = "/" + name;
            var link = new FileInfo(path).LinkTarget;
            if (link is not null)
                args.AddRange(["--symlink", link, path]);
            else if (Directory.Exists(path))
                args.AddRange(["--ro-bind", path, path]);
        }
        foreach (var file in EtcFiles)
            args.AddRange(["--ro-bind-try", file, file]);
        args.AddRange(["--ro-bind", "/sys", "/sys", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm"]);
        foreach (var node in GpuDeviceNodes())
            args.AddRange(["--dev-bind", node, node]);
        // /tmp is a fresh one; the folders below may lie in the host's /tmp, so they are bound after it.
        args.AddRange(["--tmpfs", "/tmp"]);
        var bound = ReadOnlyFolders(environment, programFolders ?? [], workFolder);
        foreach (var folder in bound)
            args.AddRange(["--ro-bind", folder, folder]);
        // A hidden folder inside a bound one (the reference cache beside the agent's program, say) is covered by an empty one.
        foreach (var hidden in Hidden.Keys.Order(StringComparer.Ordinal))
        {
            if (Directory.Exists(hidden) && bound.Prepend("/usr").Any(folder => IsUnder(hidden, folder)))
                args.AddRange(["--tmpfs", hidden]);
        }
        args.AddRange(["--bind", workFolder, workFolder, "--chdir", workFolder, "--clearenv"]);
        foreach (var (name, value) in environment.Where(v => v.Key != InsideVariable).OrderBy(v => v.Key, StringComparer.Ordinal))
            args.AddRange(["--setenv", name, value]);
        args.AddRange(["--setenv", InsideVariable, "bubblewrap", "--", .. command]);
        return args;
    }

    /// <summary>
    /// Whether bubblewrap is installed and can make its namespaces here (it cannot in some containers): a trivial
    /// command in the same sandbox. A success is kept for the life of the process; a failure is checked again at the
    /// next job, so that installing bubblewrap needs no restart and a passing hiccup does not refuse every job.
    /// </summary>
    public async Task<SandboxCheck> CheckAsync(CancellationToken cancellationToken)
    {
        if (Works.TryGetValue(Bubblewrap, out var known))
            return known;
        var check = await CheckNowAsync().WaitAsync(cancellationToken);
        if (check.Works)
            Works[Bubblewrap] = check;
        return check;
    }

    private async Task<SandboxCheck> CheckNowAsync()
    {
        if (FindExecutable(Bubblewrap) is null)
            return new SandboxCheck(false, $"bubblewrap ({Bubblewrap}) is not installed");
        var work = Directory.CreateTempSubdirectory("portal-sandbox-check-").FullName;
        var finished = new TaskCompletionSource();
        try
        {
            var command = Command(["true"], work, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });
            var start = OwnThreadProcess.StartInfo(command, environment: null);
            // From a thread of its own, as every sandboxed process: --die-with-parent follows the forking thread.
            using var process = await OwnThreadProcess.StartAsync(start, finished.Task, "sandbox-check");
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(limit.Token);
            return process.ExitCode == 0
                ? new SandboxCheck(true, "bubblewrap: no network, no view of the host's files beyond the system and the drivers, only the job's folder writable")
                : new SandboxCheck(false, $"bubblewrap cannot create its namespaces here ({(await error).Trim()}, exit code {process.ExitCode})");
        }
        catch (Exception e) when (e is Win32Exception or OperationCanceledException)
        {
            return new SandboxCheck(false, $"bubblewrap could not be run ({e.Message})");
        }
        finally
        {
            finished.SetResult();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The read-only folders beyond the system: the driver folders, every absolute folder in LD_LIBRARY_PATH and
    /// PYTHONPATH, OCL_ICD_VENDORS, the Python and CUDA installations the environment names, the folders of the
    /// libraries the OpenCL ICD files name, and the program's own. Each one is bound where its links lead, so a
    /// symlinked installation works. Never "/", a home folder or anything above one (they hold the agent's state), nor a
    /// folder above the job's (the host's /tmp holds other jobs).
    /// </summary>
    internal static IReadOnlyList<string> ReadOnlyFolders(IReadOnlyDictionary<string, string> environment, IEnumerable<string> programFolders,
        string workFolder)
    {
        var wanted = new List<string>(DriverFolders);
        string? Get(string name) => environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        foreach (var name in (string[])["LD_LIBRARY_PATH", "PYTHONPATH"])
            wanted.AddRange(Get(name)?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? []);
        foreach (var name in (string[])["PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "CUDA_HOME", "CUDA_PATH", "DOTNET_ROOT"])
            wanted.Add(Get(name) ?? "");
        if (Get("PYTHONUSERBASE") is { } userBase)
            wanted.Add(Path.Combine(userBase, "lib"));
        if (Get("OCL_ICD_VENDORS") is { } vendors)
        {
            wanted.Add(vendors);
            wanted.AddRange(IcdLibraryFolders(vendors));
        }
        wanted.AddRange(IcdLibraryFolders("/etc/OpenCL/vendors"));
        // NVRTC's include path (cuda_fp16.h and friends), found as the child will find it.
        wanted.AddRange(Cuda.CudaToolkitHeaders.Find(environment));
        wanted.AddRange(programFolders);

        var homes = Homes(environment);
        var bound = new List<string> { "/usr" };
        foreach (var folder in wanted)
        {
            if (!Path.IsPathFullyQualified(folder) || !Path.Exists(folder))
                continue;
            var real = RealPath(folder);
            if (real == "/" || homes.Any(home => IsUnder(home, real)) || IsUnder(workFolder, real) || bound.Any(b => IsUnder(real, b))
                || Hidden.Keys.Any(hidden => IsUnder(real, hidden)))
                continue;
            bound.RemoveAll(b => IsUnder(b, real));
            bound.Add(real);
        }
        bound.Remove("/usr");
        return bound;
    }

    /// <summary>Where home folders are: a bind of one of them, or of a folder above one, would show the agent's state.</summary>
    private static List<string> Homes(IReadOnlyDictionary<string, string> environment)
    {
        List<string> homes = ["/root", "/home"];
        foreach (var home in (string?[])[Environment.GetEnvironmentVariable("HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)])
        {
            if (!string.IsNullOrEmpty(home) && Path.IsPathFullyQualified(home))
                homes.Add(RealPath(home));
        }
        return homes;
    }

    private static IEnumerable<string> IcdLibraryFolders(string vendors)
    {
        var files = File.Exists(vendors) ? [vendors]
            : Directory.Exists(vendors) ? Directory.GetFiles(vendors, "*.icd")
            : [];
        foreach (var file in files)
        {
            string library;
            try
            {
                library = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (Path.IsPathFullyQualified(library) && Path.GetDirectoryName(library) is { } folder)
                yield return folder;
        }
    }

    private static IEnumerable<string> GpuDeviceNodes()
    {
        if (!Directory.Exists("/dev"))
            return [];
        var nodes = Directory.EnumerateFileSystemEntries("/dev", "nvidia*").ToList();
        foreach (var folder in (string[])["/dev/dri", "/dev/dxg", "/dev/kfd"])
        {
            if (Path.Exists(folder))
                nodes.Add(folder);
        }
        return nodes.Order(StringComparer.Ordinal);
    }

    /// <summary>The path with every symbolic link on the way resolved.</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (full.Length == 0)
            return "/";
        var parent = Path.GetDirectoryName(full);
        var resolvedParent = parent is null or "/" ? "/" : RealPath(parent);
        var here = Path.Combine(resolvedParent, Path.GetFileName(full));
        var info = new FileInfo(here);
        if (info.LinkTarget is not { } target)
            return here;
        var next = Path.IsPathFullyQualified(target) ? target : Path.Combine(resolvedParent, target);
        return RealPath(next);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it.</summary>
    private static bool IsUnder(string path, string folder) =>
        path == folder || folder == "/" || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The executable's full path: <paramref name="name"/> itself when it is a path, else the first match on PATH.</summary>
    public static string? FindExecutable(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar))
            return File.Exists(name) ? name : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
