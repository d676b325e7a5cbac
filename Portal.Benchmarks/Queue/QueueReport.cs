namespace Portal.Benchmarks.Queue;

public sealed record SetupFigures(int Agents, double RegisterSeconds, int QualificationJobsDrained, double DrainSeconds);

public sealed record FillFigures(int Jobs, int Runs, double Seconds);

/// <param name="Lease">Every lease call of the phase, the last empty one of each agent included.</param>
public sealed record ThroughputFigures(int Completed, double Seconds, double JobsPerSecond, LatencySummary Lease, LatencySummary Complete,
    CpuFigures Cpu);

/// <param name="PickUp">From the start of the submit call to the moment the waiting agent had read its lease answer.</param>
/// <param name="Submit">The submit call alone (POST /api/v1/tests/{id}/runs with one target).</param>
public sealed record PickUpFigures(int Samples, LatencySummary PickUp, LatencySummary Submit, CpuFigures Cpu);

/// <summary>One of the targets, and whether this run met it.</summary>
public sealed record Aim(string What, string Target, string Measured, bool Met);

public sealed record QueueReport(DateTimeOffset At, string Url, int Agents, int Cores, SetupFigures Setup, FillFigures Fill,
    ThroughputFigures Throughput, PickUpFigures? PickUp, IReadOnlyList<Aim> Aims);

/// <summary>The targets of the queue (issue 5): at least 1,000 jobs/s with 16 agents, p99 lease under 50 ms, idle pick-up under 100 ms.</summary>
public static class QueueAims
{
    public static IReadOnlyList<Aim> Judge(ThroughputFigures throughput, PickUpFigures? pickUp)
    {
        var aims = new List<Aim>
        {
            new("throughput", "≥ 1,000 jobs/s", $"{throughput.JobsPerSecond:N0} jobs/s", throughput.JobsPerSecond >= 1000),
            new("lease latency p99 under load", "< 50 ms", $"{throughput.Lease.P99:F1} ms", throughput.Lease.P99 < 50),
        };
        if (pickUp is not null)
            aims.Add(new("idle pick-up p99", "< 100 ms", $"{pickUp.PickUp.P99:F1} ms (max {pickUp.PickUp.Max:F1} ms)", pickUp.PickUp.P99 < 100));
        return aims;
    }
}
