using System.Globalization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

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
    public static string? FindProblem(OpDefinition op, IReadOnlyDictionary<string, double[]> reference, Tolerance tolerance) =>
        FindProblem(op.Outputs.Select(b => (b, b.Type, tolerance)), reference);

    /// <summary>The rule for a validated spec's case: each output in its storage dtype, with the tolerance it is compared with.</summary>
    public static string? FindProblem(ValidatedSpec spec, CaseParams parameters, IReadOnlyDictionary<string, double[]> reference) =>
        FindProblem(spec.Op.Outputs.Select(b => (b, spec.TypeOf(b), spec.ToleranceFor(b, parameters))), reference);

    private static string? FindProblem(
        IEnumerable<(BufferDefinition Buffer, ElementType Type, Tolerance Tolerance)> outputs, IReadOnlyDictionary<string, double[]> reference)
    {
        foreach (var (buffer, type, tolerance) in outputs)
        {
            var expected = reference[buffer.Name];
            var problem = type == ElementType.Int32
                ? CheckInt32(buffer.Name, expected)
                : CheckFloat(buffer.Name, type, expected, tolerance);
            if (problem is not null)
                return problem;
        }
        return null;
    }

    /// <summary>
    /// Float outputs are compared after rounding the reference to their type, so the rule reads rounded values;
    /// fp8 outputs, whose tolerance is a unit in the last place, need a twofold margin rather than tenfold.
    /// </summary>
    private static string? CheckFloat(string name, ElementType type, double[] expected, Tolerance tolerance)
    {
        var margin = type == ElementType.Float32 ? Margin : DtypeTolerances.ZeroMargin(type);
        var max = type == ElementType.Float32 ? float.MaxValue : FloatFormats.MaxFinite(type);
        var distinct = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = type == ElementType.Float32 ? expected[i] : FloatFormats.Round(expected[i], type);
            if (!double.IsFinite(expected[i]) || Math.Abs(expected[i]) > max)
                return $"reference {name}[{i}] is {Format(expected[i])}, which {type.Name()} cannot hold; check the case's params";
            if (Math.Abs(e) > margin * (tolerance.Atol + tolerance.Rtol * Math.Abs(e)))
                distinct++;
        }
        if (2L * distinct >= expected.Length)
            return null;
        return $"only {distinct} of {expected.Length} elements of reference {name} are {margin}× above the tolerance " +
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
