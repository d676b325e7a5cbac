using Portal.Kernels.Ops;

namespace Portal.Kernels.Results;

/// <summary>Summarises per-launch device times and rates them with the op's byte and FLOP formulas.</summary>
public static class TimingSummary
{
    /// <param name="deviceTimesMs">One device time per timed launch, in milliseconds.</param>
    public static TimingResult Summarise(IReadOnlyList<double> deviceTimesMs, OpDefinition op, CaseParams parameters)
    {
        if (deviceTimesMs.Count == 0)
            throw new ArgumentException("At least one timed launch is needed.", nameof(deviceTimesMs));
        if (deviceTimesMs.Any(t => !double.IsFinite(t) || t <= 0))
            throw new ArgumentException("Device times must be finite and positive.", nameof(deviceTimesMs));
        var sorted = deviceTimesMs.Order().ToArray();
        var mean = sorted.Average();
        var median = Percentile(sorted, 0.5);
        // GB/s and GFLOP/s from the median: one slow launch (a clock change, a preemption) should not move them.
        var seconds = median / 1000;
        return new TimingResult(
            parameters.Values,
            sorted.Length,
            median,
            sorted[0],
            Percentile(sorted, 0.9),
            mean,
            StandardDeviation(sorted, mean),
            sorted[^1],
            op.BytesMoved(parameters) / seconds / 1e9,
            op.Flops is null ? null : op.Flops(parameters) / seconds / 1e9);
    }

    /// <summary>Linear interpolation between closest ranks (numpy's default): rank p·(n − 1) of the sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }

    /// <summary>Sample standard deviation (n − 1); 0 for a single sample.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values, double mean) =>
        values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));

    /// <summary>Standard error of the mean relative to the mean: the runner samples until it is under 1 %.</summary>
    public static double RelativeStandardError(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return double.PositiveInfinity;
        var mean = values.Average();
        return mean <= 0 ? double.PositiveInfinity : StandardDeviation(values, mean) / Math.Sqrt(values.Count) / mean;
    }
}
