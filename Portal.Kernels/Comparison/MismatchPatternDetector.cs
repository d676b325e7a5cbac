using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Comparison;

/// <summary>
/// Names what the wrong elements of a failed output buffer have in common, so that a person reads "the tail is not
/// written" instead of working it out from one element. Runs only on a buffer that has mismatches, over the whole arrays,
/// with the comparer's own rule for "right" (an element fits when it is within the tolerance of what the pattern
/// predicts); the first pattern that every element fits wins, most specific first. Each check stops at its first
/// counterexample, so a kernel that is simply wrong costs a few elements per pattern.
/// </summary>
public static class MismatchPatternDetector
{
    /// <summary>Sorting both arrays costs memory; past this many elements a permutation is not looked for.</summary>
    public const int MaxPermutationElements = 1 << 22;

    public static MismatchPattern? Detect(double[] expected, HostBuffer actual, Tolerance tolerance, long firstIndex)
    {
        if (firstIndex < 0 || expected.Length != actual.Length || expected.Length == 0)
            return null;
        var exact = actual.Type == ElementType.Int32;
        var narrow = actual.Type is not (ElementType.Float32 or ElementType.Int32);
        var n = expected.Length;
        var first = (int)firstIndex;
        double E(int i) => narrow ? FloatFormats.Round(expected[i], actual.Type) : expected[i];
        bool Fits(double predicted, double a) => exact
            ? a == predicted
            : double.IsFinite(a) && Math.Abs(a - predicted) <= tolerance.Atol + tolerance.Rtol * Math.Max(Math.Abs(predicted), Math.Abs(a));

        if (All(0, n, i => actual[i] == 0))
            return new MismatchPattern(MismatchPatterns.NotWritten);
        if (first > 0 && All(first, n, i => actual[i] == 0))
            return new MismatchPattern(MismatchPatterns.TailNotWritten, new Dictionary<string, double> { ["from"] = first, ["count"] = n - first });

        var nonFinite = 0L;
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(actual[i]) && double.IsFinite(E(i)))
                nonFinite++;
        }
        if (nonFinite > 0)
            return new MismatchPattern(MismatchPatterns.NotFinite, new Dictionary<string, double> { ["count"] = nonFinite });

        var offset = actual[first] - E(first);
        if (double.IsFinite(offset) && offset != 0 && All(0, n, i => Fits(E(i) + offset, actual[i])))
            return new MismatchPattern(MismatchPatterns.ConstantOffset, new Dictionary<string, double> { ["offset"] = offset });

        var factor = E(first) != 0 ? actual[first] / E(first) : double.NaN;
        if (double.IsFinite(factor) && factor != 1 && factor != 0 && All(0, n, i => Fits(E(i) * factor, actual[i])))
            return new MismatchPattern(MismatchPatterns.ConstantScale, new Dictionary<string, double> { ["factor"] = factor });

        if (n <= MaxPermutationElements && IsPermutation(n, E, actual, Fits))
            return new MismatchPattern(MismatchPatterns.Permuted);
        return null;
    }

    private static bool All(int from, int to, Func<int, bool> holds)
    {
        for (var i = from; i < to; i++)
        {
            if (!holds(i))
                return false;
        }
        return true;
    }

    /// <summary>The same values in another order: both sorted, element by element within the tolerance.</summary>
    private static bool IsPermutation(int n, Func<int, double> expected, HostBuffer actual, Func<double, double, bool> fits)
    {
        var e = new double[n];
        var a = new double[n];
        for (var i = 0; i < n; i++)
        {
            e[i] = expected(i);
            a[i] = actual[i];
        }
        Array.Sort(e);
        Array.Sort(a);
        return All(0, n, i => fits(e[i], a[i]));
    }
}
