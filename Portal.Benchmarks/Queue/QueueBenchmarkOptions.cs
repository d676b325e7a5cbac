namespace Portal.Benchmarks.Queue;

/// <summary>What <c>Portal.Benchmarks queue</c> was asked to do (see <see cref="BenchmarkCommands"/> for the meaning of each).</summary>
public sealed record QueueBenchmarkOptions
{
    public required Uri Url { get; init; }
    public required string Token { get; init; }
    public int Agents { get; init; } = 16;
    public int Jobs { get; init; } = 20_000;
    public int Samples { get; init; } = 50;
    public int SpacingMs { get; init; } = 200;
    public int FillParallel { get; init; } = 4;
    public int Warmup { get; init; } = 2_000;
    public bool SeparateCalls { get; init; } = true;
    public int? PortalPid { get; init; }
    public int? PostgresPid { get; init; }
    public string? JsonFile { get; init; }
}

/// <summary>The benchmark cannot go on: the portal refused a call or answered something unexpected.</summary>
public sealed class BenchmarkException(string message) : Exception(message);
