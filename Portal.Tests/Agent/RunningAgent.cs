using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Portal.Tests.Agent;

/// <summary>
/// A real <c>Portal.Agent</c> process that keeps running (<c>run</c>, <c>submit --wait</c>): its output is collected line
/// by line so a test can wait for an event, and it can be stopped the ways an operator or a host failure stops it.
/// </summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();

    private RunningAgent(Process process) => _process = process;

    public static RunningAgent Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    public static RunningAgent Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(environment, null, args);

    /// <summary>
    /// Started with SIGINT at its default disposition, as from a terminal, whatever the test host inherited: a process
    /// started in the background by a non-interactive shell ignores SIGINT, and its children would too.
    /// </summary>
    public static RunningAgent StartAsFromATerminal(params string[] args) => Start(new Dictionary<string, string>(), "--default-signal=INT", args);

    /// <summary>Started with SIGINT ignored, as <c>nohup</c> or a script's background job starts it.</summary>
    public static RunningAgent StartIgnoringInterrupts(params string[] args) => Start(new Dictionary<string, string>(), "--ignore-signal=INT", args);

    /// <param name="signalDisposition">An option of coreutils' env, which sets the disposition and then execs dotnet (so the
    /// process id stays the agent's); null: as the test host has it.</param>
    private static RunningAgent Start(IReadOnlyDictionary<string, string> environment, string? signalDisposition, string[] args)
    {
        var start = new ProcessStartInfo(signalDisposition is null ? "dotnet" : "env")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (signalDisposition is not null)
        {
            start.ArgumentList.Add(signalDisposition);
            start.ArgumentList.Add("dotnet");
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the agent.");
        var agent = new RunningAgent(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) agent._output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) agent._error.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return agent;
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines => _output.ToArray();

    public string Output => string.Join('\n', _output);

    public string Error => string.Join('\n', _error);

    /// <summary>Waits until a line of output matches; fails with everything the agent said when none does in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_output.FirstOrDefault(match) is { } line)
                return line;
            if (_process.HasExited)
            {
                // Lines may still be on their way from the pipe: WaitForExitAsync returns once the streams are drained.
                await _process.WaitForExitAsync();
                if (_output.FirstOrDefault(match) is { } last)
                    return last;
                break;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException((_process.HasExited
                                       ? $"The agent exited ({_process.ExitCode}) without printing such a line.\n"
                                       : $"The agent printed no such line within {timeout.TotalSeconds:0} s.\n") +
                                   $"stdout:\n{Output}\nstderr:\n{Error}");
    }

    /// <summary>What `docker stop` or systemd sends: the agent drains and exits on its own.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>What Ctrl-C in the agent's terminal sends.</summary>
    public void Interrupt()
    {
        if (Kill(_process.Id, SigInt) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>A host that goes down: SIGKILL to the agent and its kernel process, no chance to say goodbye.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The agent did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{Output}\nstderr:\n{Error}");
        }
        // WaitForExitAsync returns once the streams are drained too, so the output is complete here.
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    // Process has no way to send SIGTERM; libc's kill(2) does.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
