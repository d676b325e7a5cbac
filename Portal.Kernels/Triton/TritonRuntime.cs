using System.Collections.Concurrent;
using System.ComponentModel;
using Portal.Kernels.Isolation;

namespace Portal.Kernels.Triton;

/// <summary>
/// Finds out whether the configured Python can run Triton kernels on a GPU, and whether bubblewrap can sandbox
/// it here: the same probe is run inside the sandbox, because a sandbox that hides the GPU is no use. Importing
/// torch takes seconds, so the answer is kept for the life of the process, per options.
/// </summary>
public static class TritonRuntime
{
    internal const string ProbeScript =
        "import torch, triton; print(torch.cuda.is_available(), triton.__version__, torch.__version__)";

    private static readonly ConcurrentDictionary<TritonOptions, Lazy<Task<TritonRuntimeStatus>>> Probes = new();

    /// <summary>The probe's answer for these options, probing on the first call; cancelling waits, not the probe.</summary>
    public static Task<TritonRuntimeStatus> ProbeAsync(TritonOptions options, CancellationToken cancellationToken) =>
        Probes.GetOrAdd(options, o => new Lazy<Task<TritonRuntimeStatus>>(() => ProbeNowAsync(o, CancellationToken.None)))
            .Value.WaitAsync(cancellationToken);

    private static async Task<TritonRuntimeStatus> ProbeNowAsync(TritonOptions options, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("portal-triton-probe-").FullName;
        try
        {
            TritonEnvironment.CreateFolders(work);
            var direct = await ProbeOnceAsync(options, work, sandboxed: false, cancellationToken);
            if (!direct.IsUsable)
                return direct with { Sandbox = new TritonSandbox(false, "not checked: Triton is not usable") };
            return direct with { Sandbox = await ProbeSandboxAsync(options, work, cancellationToken) };
        }
        finally
        {
            TryDelete(work);
        }
    }

    private static async Task<TritonSandbox> ProbeSandboxAsync(TritonOptions options, string work, CancellationToken cancellationToken)
    {
        const string unsandboxed = "Triton kernels run without a sandbox (network and the whole file system are reachable)";
        if (options.UseSandbox && KernelSandbox.IsInside)
            return new TritonSandbox(true, "inside the agent's kernel sandbox (bubblewrap): no network, nothing of the host's files " +
                "but the system, the drivers and Python, only the job's folder writable");
        if (!options.UseSandbox)
            return new TritonSandbox(false, $"the sandbox is turned off (TritonOptions.UseSandbox); {unsandboxed}");
        if (KernelSandbox.FindExecutable(options.Bubblewrap) is null)
            return new TritonSandbox(false, $"bubblewrap ({options.Bubblewrap}) is not installed; {unsandboxed}");
        var inside = await ProbeOnceAsync(options, work, sandboxed: true, cancellationToken);
        return inside.IsUsable
            ? new TritonSandbox(true, "bubblewrap: no network, nothing of the host's files but the system, the drivers and Python, " +
                "only the job's folder writable")
            : new TritonSandbox(false, $"bubblewrap is installed but the GPU runtime failed inside it ({inside.Reason}); {unsandboxed}");
    }

    private static async Task<TritonRuntimeStatus> ProbeOnceAsync(TritonOptions options, string work, bool sandboxed,
        CancellationToken cancellationToken)
    {
        var none = new TritonSandbox(false, "not checked");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProbeTimeout);
        ProcessResult result;
        try
        {
            var environment = TritonEnvironment.For(work, options, resultPrefix: null);
            result = await TritonProcess.RunAsync(
                TritonEnvironment.Command([options.Python, "-c", ProbeScript], work, options, sandboxed, environment),
                work, environment, timeout.Token);
        }
        catch (Win32Exception e)
        {
            var program = sandboxed ? options.Bubblewrap : options.Python;
            return new TritonRuntimeStatus(false, $"{program} could not be started ({e.Message}); install Python 3 with torch " +
                "and triton, or set TritonOptions.Python to an interpreter that has them", null, null, none);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TritonRuntimeStatus(false, $"importing torch and triton took longer than {options.ProbeTimeout.TotalSeconds:0} s",
                null, null, none);
        }
        return Interpret(result, options.Python) with { Sandbox = none };
    }

    /// <summary>Reads the probe's "True 3.6.0 2.11.0+cu130", or says what went wrong in a sentence.</summary>
    internal static TritonRuntimeStatus Interpret(ProcessResult result, string python)
    {
        var none = new TritonSandbox(false, "not checked");
        if (result.ExitCode != 0)
        {
            var lastLine = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault() ?? $"exit code {result.ExitCode}";
            return new TritonRuntimeStatus(false, $"{python} cannot import torch and triton ({lastLine}); install torch with CUDA " +
                "and triton for that interpreter, or set TritonOptions.Python to one that has them", null, null, none);
        }
        var words = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault()?.Split(' ') ?? [];
        if (words is not [var available, var triton, var torch])
            return new TritonRuntimeStatus(false, $"{python} answered the probe with '{result.StandardOutput.Trim()}'", null, null, none);
        return available == "True"
            ? new TritonRuntimeStatus(true, null, triton, torch, none)
            : new TritonRuntimeStatus(false, $"torch {torch} sees no CUDA device (torch.cuda.is_available() is False); " +
                "install a CUDA build of torch and check the NVIDIA driver", triton, torch, none);
    }

    internal static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a process being killed; the temp folder's cleaner gets it later.
        }
    }
}
