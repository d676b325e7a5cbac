using System.Diagnostics;

namespace Portal.Kernels.Isolation;

/// <summary>
/// Starts a process from a thread that lives until <c>finished</c>, after the process ended. bubblewrap's
/// --die-with-parent (PR_SET_PDEATHSIG) fires when the thread that forked it ends, not the agent: forked from a pool
/// thread, the sandbox would be killed whenever that thread retired. This way it dies only with its own exit or the
/// agent's.
/// </summary>
internal static class OwnThreadProcess
{
    /// <summary>
    /// How every kernel-side process starts: <paramref name="command"/> with its output and error read by us, and, when
    /// given, exactly <paramref name="environment"/> (an allow-list: the agent's tokens and other secrets never reach it).
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (name, value) in environment)
                start.Environment[name] = value;
        }
        return start;
    }

    /// <exception cref="System.ComponentModel.Win32Exception">The executable could not be started (not found).</exception>
    public static Task<Process> StartAsync(ProcessStartInfo start, Task finished, string name)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (Exception e)
            {
                started.SetException(e);
                return;
            }
            started.SetResult(process);
            finished.Wait();
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return started.Task;
    }
}
