using System.Diagnostics;
using Portal.Kernels.Devices;
using Portal.Kernels.References;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Isolation;

/// <summary>
/// How to start the isolated child: the agent's own executable (plus its dll under <c>dotnet</c>), the folders it needs
/// to run (read-only in the sandbox), and the sandbox; a null <see cref="Sandbox"/> is the explicit opt-out for trusted
/// local use (<see cref="KernelSandbox.OptOutFlag"/>).
/// </summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>What the child's program needs to start: its own folder and, under dotnet, the runtime's.</summary>
    public IReadOnlyList<string> ProgramFolders { get; init; } = [];

    /// <summary>The sandbox every job's child runs in; null only when the agent was told to run kernels unsandboxed.</summary>
    public KernelSandbox? Sandbox { get; init; } = KernelSandbox.Default;

    /// <summary>Where custom-op references are kept between jobs (never inside a sandbox); null: computed for every job.</summary>
    public ReferenceCache? ReferenceCache { get; init; }

    /// <summary>
    /// The OpenCL ICD folder (OCL_ICD_VENDORS) the reference child looks in for its CPU fp64 device, e.g. PoCL's alone
    /// on a host whose kernels run on a vendor's ICD; null: the agent's own. Environment: PORTAL_REFERENCE_OCL_ICD_VENDORS.
    /// </summary>
    public string? ReferenceIcdVendors { get; init; }

    /// <summary>This process again: a single-file agent is its own executable; a framework-dependent one runs under dotnet.</summary>
    public static ChildCommand ThisProcess(string entryAssemblyPath)
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The agent's own executable path is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? new ChildCommand(process, [entryAssemblyPath])
            {
                ProgramFolders = [Path.GetDirectoryName(Path.GetFullPath(entryAssemblyPath))!, Path.GetDirectoryName(KernelSandbox.RealPath(process))!],
            }
            : new ChildCommand(process, []) { ProgramFolders = [Path.GetDirectoryName(KernelSandbox.RealPath(process))!] };
    }
}

/// <param name="HostAllowance">Time beyond the spec's timeoutSeconds for the child's own work (start-up,
/// inputs, references); past both, the child is killed and the verdict is <c>timeout</c>.</param>
/// <param name="MemoryCapBytes">Host memory (resident set) the child may use before it is killed.</param>
public sealed record IsolationLimits(TimeSpan HostAllowance, long MemoryCapBytes)
{
    public static IsolationLimits Default { get; } = new(TimeSpan.FromMinutes(5), 16L << 30);
}

/// <summary>
/// Runs each spec in a child process inside the <see cref="KernelSandbox"/>, so a kernel that hangs, crashes or eats
/// memory costs one verdict, never the agent, and a kernel (or its compiler) sees nothing of the host's files, network
/// or the agent's state: a hang gives <c>timeout</c>, a death gives <c>crashed</c> with the signal, and the parent is
/// ready for the next job. Where the sandbox cannot run, every job is refused with a verdict that says how to fix it.
/// The child's folder is removed afterwards.
/// </summary>
public sealed class IsolatedKernelRunner(ChildCommand command, IsolationLimits? isolation = null, KernelLimits? limits = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly IsolationLimits _isolation = isolation ?? IsolationLimits.Default;
    private readonly KernelLimits _limits = limits ?? KernelLimits.Default;

    public Task<KernelResult> RunAsync(string specJson, AcceleratorDevice device, CancellationToken cancellationToken)
    {
        // Bad specs are answered here, without starting a process.
        var validation = KernelSpecJson.Parse(specJson, _limits);
        return validation.Spec is { } spec
            ? RunAsync(specJson, spec, device, cancellationToken)
            : Task.FromResult(new KernelResult(KernelStatus.InvalidSpec, validation.Message, Device: device.ToDeviceInfo()));
    }

    /// <summary>A spec the caller has already parsed and validated: the child gets the text, parsed once more in its own process.</summary>
    /// <param name="progress">Told where the child is (<see cref="JobProgress"/>), as it writes it; null: not read.</param>
    public async Task<KernelResult> RunAsync(string specJson, ValidatedSpec spec, AcceleratorDevice device, CancellationToken cancellationToken,
        IProgress<JobProgress>? progress = null)
    {
        if (command.Sandbox is { } sandbox && await sandbox.CheckAsync(cancellationToken) is { Works: false } check)
            return new KernelResult(KernelStatus.Unsupported, NoSandbox(check), Device: device.ToDeviceInfo());

        IReadOnlyDictionary<string, byte[]>? references = null;
        if (spec.Op.Custom is not null)
        {
            var (found, stop) = await ReferencesAsync(spec, specJson, device, cancellationToken);
            if (stop is not null)
                return stop;
            references = found;
        }
        var (result, exit, deadline) = await RunChildAsync(spec, specJson, device, references, computeReferences: false, cancellationToken, progress);
        return result ?? exit.Describe(device.ToDeviceInfo(), deadline, _isolation.MemoryCapBytes);
    }

    /// <summary>How many times a child was started to compute custom-op references (cache misses), for tests and the benchmark.</summary>
    public int ReferenceRuns => _referenceRuns;

    private int _referenceRuns;

    /// <summary>How the last custom op's references were found, with the time computing them took, for exec's log.</summary>
    public string? ReferenceReport { get; private set; }

    /// <summary>
    /// Every case's reference file, from the cache or from a child in reference mode: the same sandbox and limits as the
    /// kernel's, but no kernel runs in it, so nothing a kernel does can reach what is cached. A reference that does not
    /// build, crashes or hangs is the definition's fault: invalid_spec naming the reference.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, byte[]>? References, KernelResult? Stop)> ReferencesAsync(
        ValidatedSpec spec, string specJson, AcceleratorDevice device, CancellationToken cancellationToken)
    {
        var cache = command.ReferenceCache;
        var keys = spec.Cases.Select(c => CustomReferences.CaseKey(spec, c)).ToList();
        bool Valid(byte[] bytes, int i) => ReferenceFile.Read(bytes, spec.Op, spec.Cases[i]) is not null;
        var found = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count && cache is not null; i++)
        {
            var index = i;
            if (cache.TryRead(keys[i], bytes => Valid(bytes, index)) is { } bytes)
                found[keys[i]] = bytes;
        }
        if (found.Count == keys.Count)
        {
            ReferenceReport = $"reference: {keys.Count} cases from the cache";
            return (found, null);
        }

        Interlocked.Increment(ref _referenceRuns);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (result, exit, deadline) = await RunChildAsync(spec, specJson, device, null, computeReferences: true, cancellationToken);
        ReferenceReport = $"reference: computed {keys.Count} cases in {clock.Elapsed.TotalMilliseconds:0} ms (a child of its own)";
        if (result is not null)
            return (null, result);
        if (exit.Reason == ChildExitReason.Exited && exit.ExitCode == 0 && exit.Computed is { } computed)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (!computed.TryGetValue(keys[i], out var bytes) || !Valid(bytes, i))
                    return (null, Invalid(device, "the reference's process wrote no usable reference"));
                found[keys[i]] = bytes;
                cache?.Store(keys[i], bytes);
            }
            return (found, null);
        }
        var died = exit.Describe(device.ToDeviceInfo(), deadline, _isolation.MemoryCapBytes);
        return (null, Invalid(device, died.Status == KernelStatus.Timeout
            ? $"the reference did not finish within {deadline.TotalSeconds:0} s"
            : $"the reference crashed ({died.Message.Replace("the kernel's process", "its process", StringComparison.Ordinal)})", died.CompileLog));
    }

    private static KernelResult Invalid(AcceleratorDevice device, string message, string? log = null) =>
        new(KernelStatus.InvalidSpec, $"opDefinition.reference: {message}", log, device.ToDeviceInfo());

    /// <summary>One child in a fresh job folder: its result if it wrote one, else how it ended.</summary>
    private async Task<(KernelResult? Result, ChildExit Exit, TimeSpan Deadline)> RunChildAsync(ValidatedSpec spec, string specJson,
        AcceleratorDevice device, IReadOnlyDictionary<string, byte[]>? references, bool computeReferences, CancellationToken cancellationToken,
        IProgress<JobProgress>? progress = null)
    {
        var folder = Directory.CreateTempSubdirectory("portal-kernel-");
        try
        {
            var specFile = Path.Combine(folder.FullName, "spec.json");
            var resultFile = Path.Combine(folder.FullName, "result.json");
            var referenceFolder = Path.Combine(folder.FullName, "references");
            await File.WriteAllTextAsync(specFile, specJson, cancellationToken);
            KernelSandbox.CreateFolders(folder.FullName);
            if (references is not null)
            {
                Directory.CreateDirectory(referenceFolder);
                foreach (var (key, bytes) in references)
                    await File.WriteAllBytesAsync(Path.Combine(referenceFolder, key + ".ref"), bytes, cancellationToken);
            }
            var environment = KernelSandbox.ChildEnvironment(folder.FullName);
            if (computeReferences && command.ReferenceIcdVendors is { } vendors)
            {
                environment["OCL_ICD_VENDORS"] = vendors;
                environment.Remove("OCL_ICD_FILENAMES");
            }
            var option = computeReferences ? KernelChild.ComputeReferencesOption : references is not null ? KernelChild.ReferencesOption : null;
            IReadOnlyList<string> child = [command.FileName, .. command.PrefixArguments,
                .. KernelChild.Arguments(specFile, device.Id, resultFile, option, option is null ? null : referenceFolder)];
            if (command.Sandbox is { } confined)
                child = confined.Command(child, folder.FullName, environment, command.ProgramFolders);
            var deadline = TimeSpan.FromSeconds(spec.TimeoutSeconds) + _isolation.HostAllowance;
            var exit = await RunChildAsync(child, environment, folder.FullName, deadline, cancellationToken,
                progress is null ? null : line => { if (JobProgress.ParseLine(line, spec.Cases.Count) is { } step) progress.Report(step); });
            // The sandboxed child could leave a symbolic link there instead, to make the agent read a file of the host
            // (another job's result, the agent's state) as this job's result: only a plain file is a result.
            var written = new FileInfo(resultFile);
            if (written.Exists && written.LinkTarget is not null)
                return (new KernelResult(KernelStatus.Crashed, "the kernel's process left a link instead of a result", Device: device.ToDeviceInfo()), exit, deadline);
            if (written.Exists)
                return (KernelResultJson.Deserialize(await File.ReadAllTextAsync(resultFile, cancellationToken)) is { } result
                    ? result with { Device = result.Device ?? device.ToDeviceInfo() }
                    : throw new InvalidDataException("The kernel process wrote an empty result."), exit, deadline);
            if (computeReferences && exit.Reason == ChildExitReason.Exited && exit.ExitCode == 0)
                exit = exit with { Computed = ReadComputed(referenceFolder) };
            return (null, exit, deadline);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The plain .ref files a reference child wrote (a link is not a reference: it could point at a host file).</summary>
    private static Dictionary<string, byte[]> ReadComputed(string folder)
    {
        var computed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(folder) || new DirectoryInfo(folder).LinkTarget is not null)
            return computed;
        foreach (var file in new DirectoryInfo(folder).GetFiles("*.ref"))
        {
            if (file.LinkTarget is null && file.Length < (2L << 30))
                computed[Path.GetFileNameWithoutExtension(file.Name)] = File.ReadAllBytes(file.FullName);
        }
        return computed;
    }

    /// <summary>The verdict of every job on a host where the sandbox does not work.</summary>
    public static string NoSandbox(SandboxCheck check) =>
        $"no sandbox: {KernelSandbox.InstallHint} so that kernels cannot read this host's files, or start the agent with " +
        $"{KernelSandbox.OptOutFlag} on a machine where every kernel is trusted ({check.Description})";

    private async Task<ChildExit> RunChildAsync(IReadOnlyList<string> commandLine, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, TimeSpan deadline, CancellationToken cancellationToken, Action<string?>? output)
    {
        // Only the allow-list: the agent's tokens (PORTAL_*) and other secrets never reach the child, sandboxed or not.
        var start = OwnThreadProcess.StartInfo(commandLine, environment, workingDirectory);

        var finished = new TaskCompletionSource();
        try
        {
            using var process = await OwnThreadProcess.StartAsync(start, finished.Task, "kernel-child");
            return await WatchAsync(process, deadline, cancellationToken, output);
        }
        finally
        {
            finished.SetResult();
        }
    }

    private async Task<ChildExit> WatchAsync(Process process, TimeSpan deadline, CancellationToken cancellationToken, Action<string?>? output)
    {
        var stderr = new StderrTail();
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        process.OutputDataReceived += (_, e) => output?.Invoke(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        var reason = ChildExitReason.Exited;
        while (!process.HasExited)
        {
            if (clock.Elapsed > deadline)
                reason = ChildExitReason.Deadline;
            else if (TreeResidentBytes(process.Id) > _isolation.MemoryCapBytes)
                reason = ChildExitReason.Memory;
            else if (cancellationToken.IsCancellationRequested)
                reason = ChildExitReason.Cancelled;
            if (reason != ChildExitReason.Exited)
            {
                process.Kill(entireProcessTree: true);
                break;
            }
            await Task.WhenAny(process.WaitForExitAsync(CancellationToken.None), Task.Delay(Poll, CancellationToken.None));
        }
        await process.WaitForExitAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        return new ChildExit(reason, process.ExitCode, stderr.Text);
    }

    /// <summary>The resident memory of the process and all its descendants: under bubblewrap the child is a grandchild.</summary>
    private static long TreeResidentBytes(int pid)
    {
        var total = ResidentBytes(pid);
        foreach (var child in Children(pid))
            total += TreeResidentBytes(child);
        return total;
    }

    private static IEnumerable<int> Children(int pid)
    {
        // Each thread lists the children it forked; the child is multi-threaded.
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // exited meanwhile
        }
        return children;
    }

    private static long ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return long.TryParse(kilobytes, out var kb) ? kb * 1024 : 0;
        }
        catch (IOException)
        {
            return 0; // the child exited between the check and the read
        }
    }
}
