using Portal.Kernels.Execution;
using Portal.Kernels.Results;

namespace Portal.Kernels.Isolation;

internal enum ChildExitReason
{
    Exited,
    Deadline,
    Memory,
    Cancelled,
}

/// <summary>How a child that wrote no result ended, turned into the verdict a person can act on.</summary>
internal sealed record ChildExit(ChildExitReason Reason, int ExitCode, string StandardErrorTail)
{
    /// <summary>A reference child's files by key, when it exited normally.</summary>
    public IReadOnlyDictionary<string, byte[]>? Computed { get; init; }

    public KernelResult Describe(DeviceInfo device, TimeSpan deadline, long memoryCapBytes) => Reason switch
    {
        ChildExitReason.Deadline => new KernelResult(KernelStatus.Timeout,
            $"the kernel's process did not finish within {deadline.TotalSeconds:0} s and was stopped", Device: device),
        ChildExitReason.Memory => new KernelResult(KernelStatus.Crashed,
            $"the kernel's process used more than {memoryCapBytes >> 20} MiB of host memory and was stopped", Device: device),
        _ => new KernelResult(KernelStatus.Crashed, CrashMessage(), StandardErrorTail.Length > 0 ? HostPaths.Redact(StandardErrorTail) : null, device),
    };

    // .NET reports a child killed by signal N as exit code 128 + N.
    private string CrashMessage() => ExitCode > 128 && ExitCode < 128 + 65
        ? $"the kernel's process died with {SignalName(ExitCode - 128)} (signal {ExitCode - 128}); the agent is fine"
        : $"the kernel's process exited with code {ExitCode} without a result; the agent is fine";

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}

/// <summary>The last lines the child wrote to stderr: enough to show a crash's cause, bounded in memory.</summary>
internal sealed class StderrTail
{
    private const int MaxLines = 20;
    private readonly Queue<string> _lines = new();

    public void Add(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxLines)
                _lines.Dequeue();
        }
    }

    public string Text
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _lines);
        }
    }
}
