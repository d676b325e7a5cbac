using System.Globalization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Comparison;

/// <summary>
/// Makes sure a case can tell a working kernel from one that writes nothing (DESIGN.md: a kernel writing
/// zeros must never pass). Rule, per output buffer of every checked case:
/// float32 — every reference element is finite, and at least half of them have |e| &gt; 10·(atol + rtol·|e|), so
/// an all-zero output fails on most of the buffer with a tenfold margin; single elements that are (near) zero are
/// normal (integer-valued inputs make a·x + y = 0 happen) and never make a case unusable; int32 — every element
/// fits in int32, and at least one is non-zero (counts and scans are compared exactly, so any single wrong element
/// is caught).
/// The catalog's distributions satisfy the rule by construction; it catches cases and tolerances that a
/// spec overrides.
/// </summary>
public static class ReferenceCheck
{
    public const double Margin = 10;

    /// <returns>Null when the reference is usable, otherwise why not, naming the buffer and element.</returns>
    public static string? FindProblem(OpDefinition op, IReadOnlyDictionary<string, double[]> reference, Tolerance tolerance)
    {
        foreach (var buffer in op.Outputs)
        {
            var expected = reference[buffer.Name];
            var problem = buffer.Type == ElementType.Int32
                ? CheckInt32(buffer.Name, expected)
                : CheckFloat32(buffer.Name, expected, tolerance);
            if (problem is not null)
                return problem;
        }
        return null;
    }

    private static string? CheckFloat32(string name, double[] expected, Tolerance tolerance)
    {
        var distinct = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            if (!double.IsFinite(e) || Math.Abs(e) > float.MaxValue)
                return $"reference {name}[{i}] is {Format(e)}, which float32 cannot hold; check the case's params";
            if (Math.Abs(e) > Margin * (tolerance.Atol + tolerance.Rtol * Math.Abs(e)))
                distinct++;
        }
        if (2L * distinct >= expected.Length)
            return null;
        return $"only {distinct} of {expected.Length} elements of reference {name} are {Margin}× above the tolerance " +
            $"(atol {Format(tolerance.Atol)}, rtol {Format(tolerance.Rtol)}), so a kernel writing zeros would match most of {name}; " +
            "lower the tolerance or change the case";
    }

    private static string? CheckInt32(string name, double[] expected)
    {
        var anyNonZero = false;
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] > int.MaxValue || expected[i] < int.MinValue)
                return $"reference {name}[{i}] = {Format(expected[i])} overflows int32; use a smaller case";
            anyNonZero |= expected[i] != 0;
        }
        return anyNonZero ? null : $"reference {name} is all zeros, so a kernel writing zeros would pass; change the case";
    }

    private static string Format(double value) => value.ToString("G9", CultureInfo.InvariantCulture);
}
