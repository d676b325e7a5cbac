namespace Portal.Benchmarks.Queue;

public sealed record SetupFigures(int Agents, double RegisterSeconds, int QualificationJobsDrained, double DrainSeconds);

public sealed record FillFigures(int Jobs, int Runs, double Seconds);

/// <param name="SeparateCalls">Agents leased with a lease call after each completion, instead of asking for the next job in it.</param>
/// <param name="Lease">Every lease call of the phase, the last empty one of each agent included.</param>
/// <param name="Complete">Every completion call; when the agents ask for their next job in it, the call that brings a job.</param>
/// <param name="NextJob">
/// The calls that bring an agent its next job under load: the completion calls when they ask for it, else the lease calls.
/// </param>
public sealed record ThroughputFigures(int Completed, double Seconds, double JobsPerSecond, bool SeparateCalls, LatencySummary Lease,
    LatencySummary Complete, CpuFigures Cpu)
{
    public LatencySummary NextJob => SeparateCalls ? Lease : Complete;
}

public sealed record WarmupFigures(int Jobs, double Seconds);

/// <param name="PickUp">From the start of the submit call to the moment the waiting agent had read its lease answer.</param>
/// <param name="Submit">The submit call alone (POST /api/v1/tests/{id}/runs with one target).</param>
public sealed record PickUpFigures(int Samples, LatencySummary PickUp, LatencySummary Submit, CpuFigures Cpu);

/// <summary>One of the targets, and whether this run met it.</summary>
public sealed record Aim(string What, string Target, string Measured, bool Met);

public sealed record QueueReport(DateTimeOffset At, string Url, int Agents, int Cores, SetupFigures Setup, WarmupFigures Warmup,
    FillFigures Fill, ThroughputFigures Throughput, PickUpFigures? PickUp, IReadOnlyList<Aim> Aims);

/// <summary>The targets of the queue (issue 5): at least 1,000 jobs/s with 16 agents, p99 lease under 50 ms, idle pick-up under 100 ms.</summary>
public static class QueueAims
{
    public static IReadOnlyList<Aim> Judge(ThroughputFigures throughput, PickUpFigures? pickUp)
    {
        var aims = new List<Aim>
        {
            new("throughput", "≥ 1,000 jobs/s", $"{throughput.JobsPerSecond:N0} jobs/s", throughput.JobsPerSecond >= 1000),
            new(throughput.SeparateCalls ? "lease latency p99 under load" : "lease latency p99 under load (complete + next job)", "< 50 ms",
                $"{throughput.NextJob.P99:F1} ms", throughput.NextJob.P99 < 50),
        };
        if (pickUp is not null)
            aims.Add(new("idle pick-up p99", "< 100 ms", $"{pickUp.PickUp.P99:F1} ms (max {pickUp.PickUp.Max:F1} ms)", pickUp.PickUp.P99 < 100));
        return aims;
    }
}
