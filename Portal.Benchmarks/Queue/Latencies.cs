using System.Diagnostics;

namespace Portal.Benchmarks.Queue;

/// <summary>Percentiles in milliseconds (nearest rank), over every call made: no sampling, no trimming of outliers.</summary>
public sealed record LatencySummary(int Count, double Mean, double P50, double P90, double P99, double Max);

/// <summary>Call durations of one caller; a recorder per agent, so that recording takes no lock in the measured loop.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];

    /// <summary>Records the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Since(long startTimestamp) => _milliseconds.Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

    public static LatencySummary Summarise(IEnumerable<LatencyRecorder> recorders)
    {
        var all = recorders.SelectMany(r => r._milliseconds).Order().ToArray();
        if (all.Length == 0)
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        double At(double share) => all[Math.Max(0, (int)Math.Ceiling(share * all.Length) - 1)];
        return new LatencySummary(all.Length, all.Average(), At(0.50), At(0.90), At(0.99), all[^1]);
    }

    public LatencySummary Summarise() => Summarise([this]);
}
