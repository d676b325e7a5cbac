using System.Diagnostics;
using Portal.Kernels.Devices;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Isolation;

/// <summary>How to start the isolated child: the agent's own executable (plus its dll under <c>dotnet</c>).</summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    /// <summary>This process again: a single-file agent is its own executable; a framework-dependent one runs under dotnet.</summary>
    public static ChildCommand ThisProcess(string entryAssemblyPath)
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("The agent's own executable path is unknown.");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? new ChildCommand(process, [entryAssemblyPath])
            : new ChildCommand(process, []);
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
/// Runs each spec in a child process, so a kernel that hangs, crashes or eats memory costs one verdict,
/// never the agent: a hang gives <c>timeout</c>, a death gives <c>crashed</c> with the signal, and the
/// parent is ready for the next job. The child's temporary folder is removed afterwards.
/// </summary>
public sealed class IsolatedKernelRunner(ChildCommand command, IsolationLimits? isolation = null, KernelLimits? limits = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly IsolationLimits _isolation = isolation ?? IsolationLimits.Default;
    private readonly KernelLimits _limits = limits ?? KernelLimits.Default;

    public async Task<KernelResult> RunAsync(string specJson, AcceleratorDevice device, CancellationToken cancellationToken)
    {
        // Bad specs are answered here, without starting a process.
        var validation = KernelSpecJson.Parse(specJson, _limits);
        if (validation.Spec is not { } spec)
            return new KernelResult(KernelStatus.InvalidSpec, validation.Message, Device: device.ToDeviceInfo());

        var folder = Directory.CreateTempSubdirectory("portal-kernel-");
        try
        {
            var specFile = Path.Combine(folder.FullName, "spec.json");
            var resultFile = Path.Combine(folder.FullName, "result.json");
            await File.WriteAllTextAsync(specFile, specJson, cancellationToken);
            var deadline = TimeSpan.FromSeconds(spec.TimeoutSeconds) + _isolation.HostAllowance;
            var exit = await RunChildAsync(KernelChild.Arguments(specFile, device.Id, resultFile), folder.FullName, deadline, cancellationToken);
            if (File.Exists(resultFile))
                return KernelResultJson.Deserialize(await File.ReadAllTextAsync(resultFile, cancellationToken))
                    ?? throw new InvalidDataException("The kernel process wrote an empty result.");
            return exit.Describe(device.ToDeviceInfo(), deadline, _isolation.MemoryCapBytes);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<ChildExit> RunChildAsync(IReadOnlyList<string> arguments, string workingDirectory, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in command.PrefixArguments.Concat(arguments))
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command.FileName}.");
        var stderr = new StderrTail();
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        var reason = ChildExitReason.Exited;
        while (!process.HasExited)
        {
            if (clock.Elapsed > deadline)
                reason = ChildExitReason.Deadline;
            else if (ResidentBytes(process.Id) > _isolation.MemoryCapBytes)
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
