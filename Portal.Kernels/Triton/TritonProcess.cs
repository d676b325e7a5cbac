using System.Diagnostics;
using System.Text;
using Portal.Kernels.Isolation;

namespace Portal.Kernels.Triton;

/// <summary>How a child process ended, with the last part of what it wrote (for crash reports only, never results).</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Both streams' tails, labelled, for a log.</summary>
    public string Output => string.Join("\n", new[]
    {
        StandardError.Length > 0 ? "stderr:\n" + StandardError : null,
        StandardOutput.Length > 0 ? "stdout:\n" + StandardOutput : null,
    }.OfType<string>());
}

/// <summary>
/// Runs Python (directly or under bubblewrap) with exactly the environment given, stdin closed, and both output
/// streams drained so a chatty module cannot block on a full pipe. Cancellation kills the whole process tree.
/// </summary>
internal static class TritonProcess
{
    private const int TailCharacters = 32 * 1024;

    /// <exception cref="System.ComponentModel.Win32Exception">The executable could not be started (not found).</exception>
    public static async Task<ProcessResult> RunAsync(IReadOnlyList<string> command, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = OwnThreadProcess.StartInfo(command, environment, workingDirectory);
        start.RedirectStandardInput = true;

        var finished = new TaskCompletionSource();
        using var process = await OwnThreadProcess.StartAsync(start, finished.Task, "triton-harness");
        try
        {
            return await WaitAsync(process, cancellationToken);
        }
        finally
        {
            finished.SetResult();
        }
    }

    private static async Task<ProcessResult> WaitAsync(Process process, CancellationToken cancellationToken)
    {
        process.StandardInput.Close();
        var output = TailAsync(process.StandardOutput);
        var error = TailAsync(process.StandardError);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        try
        {
            // A grandchild that outlives the process can hold the pipes open; do not wait for it.
            await Task.WhenAll(output, error).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (TimeoutException)
        {
        }
        return new ProcessResult(process.ExitCode, Completed(output), Completed(error));
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }

    private static string Completed(Task<string> tail) => tail.IsCompletedSuccessfully ? tail.Result : "";

    private static async Task<string> TailAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > 2 * TailCharacters)
                text.Remove(0, text.Length - TailCharacters);
        }
        return text.Length > TailCharacters ? text.ToString(text.Length - TailCharacters, TailCharacters) : text.ToString();
    }
}
