namespace Portal.Kernels.Spec;

/// <summary>
/// Limits a spec must keep, as an options record so a host can tighten or relax them. The defaults keep one
/// case within what a 24 GiB host can generate, check and hold a reference for.
/// </summary>
public sealed record KernelLimits
{
    public static KernelLimits Default { get; } = new();

    /// <summary>All of a case's buffers together (inputs and outputs, as the device holds them).</summary>
    public long MaxCaseBufferBytes { get; init; } = 4L << 30;

    /// <summary>UTF-8 bytes of the kernel source.</summary>
    public int MaxSourceBytes { get; init; } = 1 << 20;

    public int MaxCases { get; init; } = 32;

    public int MinTimeoutSeconds { get; init; } = 1;

    public int MaxTimeoutSeconds { get; init; } = 600;

    public int DefaultTimeoutSeconds { get; init; } = 60;

    public int MaxWarmup { get; init; } = 1000;

    public int MaxIterations { get; init; } = 10_000;

    public int DefaultWarmup { get; init; } = 3;

    public int DefaultIterations { get; init; } = 20;

    public int DefaultMaxIterations { get; init; } = 200;

    /// <summary>Device time the timed launches of one job may take together unless the spec says otherwise: a 140 ms
    /// kernel gets about 14 timed launches rather than holding the device's queue for 28 s.</summary>
    public int DefaultTimingBudgetMs { get; init; } = 2000;

    /// <summary>The most device time a spec may ask its timed launches to take.</summary>
    public int MaxTimingBudgetMs { get; init; } = 60_000;

    public ulong DefaultSeed { get; init; } = 1;

    /// <summary>Largest launch dimension: grid and global sizes are 32-bit on the APIs we drive.</summary>
    public long MaxLaunchDimension { get; init; } = int.MaxValue;
}
