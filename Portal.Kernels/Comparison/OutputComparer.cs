using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Comparison;

/// <summary>How one output buffer compares with the reference.</summary>
/// <param name="MaxAbsError">Largest |actual − expected|; +∞ when an element is NaN or infinite.</param>
/// <param name="MaxRelError">Largest |actual − expected| / |expected| over elements whose expected value is not zero.</param>
/// <param name="Pattern">What the wrong elements have in common (<see cref="MismatchPatternDetector"/>), when recognised.</param>
public sealed record BufferComparison(
    string Buffer, long Elements, long Mismatches, double MaxAbsError, double MaxRelError, Mismatch? FirstMismatch,
    MismatchPattern? Pattern = null)
{
    public bool Passed => Mismatches == 0;
}

/// <summary>
/// Compares an output buffer with its reference. A float element is wrong when |a − e| &gt; atol + rtol·|e|
/// (NaN or ±∞ where a finite value is expected is always wrong); an int32 element is wrong unless equal. For an output
/// stored in a narrow dtype, e is the reference rounded to that dtype (what a perfect kernel writes), and mismatches
/// report that rounded value as expected; float32 outputs compare with the unrounded reference, as in v1.
/// </summary>
public static class OutputComparer
{
    public static BufferComparison Compare(double[] expected, HostBuffer actual, Tolerance tolerance)
    {
        if (expected.Length != actual.Length)
            throw new ArgumentException(
                $"Buffer '{actual.Name}' has {actual.Length} elements; the reference has {expected.Length}.", nameof(actual));
        var chunks = new ChunkResult[Math.Max(1, ChunkedParallel.ChunkCount(expected.Length))];
        var exact = actual.Type == ElementType.Int32;
        ChunkedParallel.For(expected.Length, (from, to) =>
            chunks[from / ChunkedParallel.ChunkSize] = CompareRange(expected, actual, tolerance, exact, from, to));

        // Chunks are merged in index order, so the first mismatch is the lowest index whatever the threads did.
        long mismatches = 0;
        double maxAbs = 0, maxRel = 0;
        long firstIndex = -1;
        foreach (var chunk in chunks)
        {
            mismatches += chunk.Mismatches;
            maxAbs = Math.Max(maxAbs, chunk.MaxAbs);
            maxRel = Math.Max(maxRel, chunk.MaxRel);
            if (firstIndex < 0 && chunk.FirstIndex >= 0)
                firstIndex = chunk.FirstIndex;
        }
        var first = firstIndex < 0 ? null
            : new Mismatch(actual.Name, firstIndex,
                actual.Type is ElementType.Float32 or ElementType.Int32 ? expected[firstIndex] : FloatFormats.Round(expected[firstIndex], actual.Type),
                actual[(int)firstIndex]);
        return new BufferComparison(actual.Name, expected.Length, mismatches, maxAbs, maxRel, first,
            MismatchPatternDetector.Detect(expected, actual, tolerance, firstIndex));
    }

    private readonly record struct ChunkResult(long Mismatches, double MaxAbs, double MaxRel, long FirstIndex);

    private static ChunkResult CompareRange(double[] expected, HostBuffer actual, Tolerance tolerance, bool exact, int from, int to)
    {
        var narrow = actual.Type is not (ElementType.Float32 or ElementType.Int32);
        long mismatches = 0;
        double maxAbs = 0, maxRel = 0;
        long first = -1;
        for (var i = from; i < to; i++)
        {
            var e = narrow ? FloatFormats.Round(expected[i], actual.Type) : expected[i];
            var a = actual[i];
            var error = double.IsFinite(a) ? Math.Abs(a - e) : double.PositiveInfinity;
            var wrong = exact ? a != e : !(error <= tolerance.Atol + tolerance.Rtol * Math.Abs(e));
            maxAbs = Math.Max(maxAbs, error);
            if (e != 0)
                maxRel = Math.Max(maxRel, error / Math.Abs(e));
            if (!wrong)
                continue;
            mismatches++;
            if (first < 0)
                first = i;
        }
        return new ChunkResult(mismatches, maxAbs, maxRel, first);
    }
}
