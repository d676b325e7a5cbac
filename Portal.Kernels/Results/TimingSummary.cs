using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Results;

/// <summary>Summarises per-launch device times and rates them with the op's byte and FLOP formulas.</summary>
public static class TimingSummary
{
    /// <summary>The normal quantile of a 95 % confidence interval.</summary>
    private const double Z95 = 1.96;

    /// <summary>A float32 spec of the op: rates from the op's own byte formula.</summary>
    /// <param name="deviceTimesMs">One device time per timed launch, in milliseconds.</param>
    public static TimingResult Summarise(IReadOnlyList<double> deviceTimesMs, OpDefinition op, CaseParams parameters) =>
        Summarise(deviceTimesMs, op, parameters, op.BytesMoved(parameters), ElementType.Float32);

    /// <summary>Rates at the spec's dtypes: GB/s from the bytes each buffer has at its resolved dtype; the timing names the spec's dtype.</summary>
    public static TimingResult Summarise(IReadOnlyList<double> deviceTimesMs, ValidatedSpec spec, CaseParams parameters) =>
        Summarise(deviceTimesMs, spec.Op, parameters, spec.BytesMoved(parameters), spec.Dtype);

    private static TimingResult Summarise(IReadOnlyList<double> deviceTimesMs, OpDefinition op, CaseParams parameters,
        double bytesMoved, ElementType dtype)
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
            bytesMoved / seconds / 1e9,
            op.Flops is null ? null : op.Flops(parameters) / seconds / 1e9,
            dtype.Dtype(),
            MedianRelativeStandardError(sorted));
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

    /// <summary>
    /// Standard error of the median relative to the median: the runner samples until it is under 1 %. Distribution-free,
    /// from order statistics: the sorted samples of ranks n/2 ∓ 1.96·√n/2 bound a 95 % confidence interval of the median,
    /// whose width over 2·1.96 is the standard error (for normal noise it tends to √(π/2)·σ/√n). One slow launch (a
    /// preemption, a clock change) hardly moves it, as it does not move the median; times that fall into two clusters
    /// keep it high, as they should, since the median may then lie in either. Infinite below two samples.
    /// </summary>
    public static double MedianRelativeStandardError(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return double.PositiveInfinity;
        var sorted = values.Order().ToArray();
        var median = Percentile(sorted, 0.5);
        if (median <= 0)
            return double.PositiveInfinity;
        var n = sorted.Length;
        var halfWidth = Z95 * Math.Sqrt(n) / 2;
        // Ranks counted from 1, as the textbook interval has them: j = ⌊n/2 − h⌋, k = ⌈1 + n/2 + h⌉.
        var lower = Math.Max(1, (int)Math.Floor(n / 2.0 - halfWidth));
        var upper = Math.Min(n, (int)Math.Ceiling(1 + n / 2.0 + halfWidth));
        return (sorted[upper - 1] - sorted[lower - 1]) / (2 * Z95) / median;
    }
}

/// <summary>Why the runner stopped sampling (<see cref="TimingResult.StoppedBy"/>).</summary>
public static class TimingStops
{
    /// <summary>The standard error of the median fell under 1 %.</summary>
    public const string RelativeStandardError = "rse";

    /// <summary>The timed launches spent the spec's device-time budget (<c>timing.budgetMs</c>).</summary>
    public const string Budget = "budget";

    /// <summary><c>timing.maxIterations</c> launches were timed.</summary>
    public const string MaxIterations = "max_iterations";

    /// <summary>Another batch might not have fitted in the job's <c>timeoutSeconds</c>.</summary>
    public const string TimeLimit = "time_limit";
}
