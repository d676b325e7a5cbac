namespace Portal.Kernels.Triton;

/// <summary>How the Triton executor finds Python and isolates it.</summary>
public sealed record TritonOptions
{
    public static TritonOptions Default { get; } = new();

    /// <summary>The interpreter that has torch (with CUDA) and triton; a name on PATH or a full path.</summary>
    public string Python { get; init; } = "python3";

    /// <summary>Run each harness under bubblewrap (no network, read-only file system but its own folder) when it works here.</summary>
    public bool UseSandbox { get; init; } = true;

    /// <summary>bubblewrap's executable; a name on PATH or a full path.</summary>
    public string Bubblewrap { get; init; } = "bwrap";

    /// <summary>
    /// Variables for the Python process on top of the few passed through from the agent's environment (PATH,
    /// LD_LIBRARY_PATH, PYTHONPATH, CUDA_*, NVIDIA_*, TRITON_*, …). Nothing else is passed, so the agent's
    /// own secrets never reach submitted code.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long the one-time check of python, torch and triton may take (importing torch takes seconds).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>Whether Triton kernels run sandboxed here, and a sentence saying how (or why not) for logs and results.</summary>
public sealed record TritonSandbox(bool InForce, string Description);

/// <summary>What the one-time probe of the Triton runtime found.</summary>
/// <param name="Reason">Why Triton is not usable; null when it is.</param>
public sealed record TritonRuntimeStatus(
    bool IsUsable,
    string? Reason,
    string? TritonVersion,
    string? TorchVersion,
    TritonSandbox Sandbox);
