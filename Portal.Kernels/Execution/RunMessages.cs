using System.Globalization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Results;

namespace Portal.Kernels.Execution;

/// <summary>The one-line messages of a result, and the checks on what an executor handed back.</summary>
internal static class RunMessages
{
    public static string Describe(CaseResult result)
    {
        var first = result.FirstMismatch!;
        return $"{result.Mismatches} of {result.Elements} elements wrong; first {first.Buffer}[{first.Index}]: " +
            $"expected {Number(first.Expected)}, got {Number(first.Actual)} (max abs error {Number(result.MaxAbsError)})" +
            (result.Pattern is { } pattern ? $"; {Pattern(pattern)}" : "");
    }

    /// <summary>The pattern in the message's English; the portal shows it in the reader's language from the code.</summary>
    public static string Pattern(MismatchPattern pattern)
    {
        double P(string name) => pattern.Parameters?.GetValueOrDefault(name) ?? double.NaN;
        return pattern.Code switch
        {
            MismatchPatterns.NotWritten => "the output is all zeros: it was not written",
            MismatchPatterns.TailNotWritten => $"the tail is not written: the last {Number(P("count"))} elements, from index {Number(P("from"))}, are still zero",
            MismatchPatterns.NotFinite => $"{Number(P("count"))} elements are NaN or infinite where a finite value was expected",
            MismatchPatterns.ConstantOffset => $"every element is off by the same constant, {Number(P("offset"))}",
            MismatchPatterns.ConstantScale => $"every element is scaled by the same constant, ×{Number(P("factor"))}",
            MismatchPatterns.Permuted => "the values are right but in the wrong places (permuted or transposed)",
            _ => pattern.Code,
        };
    }

    public static string Passed(int cases, TimingResult? timing)
    {
        var summary = $"all {cases} cases passed";
        if (timing is null)
            return summary;
        var rate = timing.GflopPerSecond is { } gflops ? $", {Number(gflops, "0.#")} GFLOP/s" : "";
        return $"{summary}; timed {string.Join(", ", timing.Params.Select(p => $"{p.Key}={Number(p.Value)}"))}: " +
            $"median {Number(timing.MedianMs, "0.####")} ms over {timing.Iterations} launches, " +
            $"{Number(timing.GbPerSecond, "0.#")} GB/s{rate}";
    }

    /// <summary>
    /// An executor must return every output buffer with its type and length, the guard zones of every buffer and the
    /// inputs as it read them back, and, when timing, one finite
    /// positive device time per timed launch. Anything else is reported rather than compared.
    /// </summary>
    public static string? FindContractViolation(LaunchRequest request, LaunchOutcome outcome)
    {
        if (outcome.Outputs is null)
            return "no outputs were returned";
        foreach (var expected in request.Outputs)
        {
            if (!outcome.Outputs.TryGetValue(expected.Name, out var actual))
                return $"output {expected.Name} is missing";
            if (actual.Type != expected.Type || actual.Length != expected.Length)
                return $"output {expected.Name} is {actual.Type.Name()}[{actual.Length}], " +
                    $"not {expected.Type.Name()}[{expected.Length}]";
        }
        if (GuardZones.FindMissingReading(request.Arguments.OfType<BufferArgument>(), outcome.Guards) is { } missing)
            return missing;
        if (request.Timing is not { } timing)
            return null;
        var times = outcome.DeviceTimesMs;
        if (times is null || times.Count != timing.Iterations)
            return $"{times?.Count ?? 0} device times for {timing.Iterations} timed launches";
        return times.Any(t => !double.IsFinite(t) || t <= 0) ? "a device time is not a positive number" : null;
    }

    private static string Number(double value, string format = "G7") => value.ToString(format, CultureInfo.InvariantCulture);
}
