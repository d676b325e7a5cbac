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
