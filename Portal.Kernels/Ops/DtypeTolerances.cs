namespace Portal.Kernels.Ops;

/// <summary>
/// Default tolerances for outputs stored in a narrow dtype (docs/kernels.md "Default tolerances per dtype"). The
/// bases are torch.testing's defaults (float16 rtol 1e−3, bfloat16 rtol 1.6e−2, atol 1e−5); fp8 allows one unit in
/// the last place of the format at the bottom of a binade (e4m3 2^−3, e5m2 2^−2), since the reference is rounded to
/// fp8 before comparing and a correct kernel may land on the neighbouring value. Float16 and bfloat16 are widened
/// with the op's reduction length L as public kernel leaderboards do: ×max(1, √L/16), so L ≤ 256 keeps the base and
/// L = 4096 gets four times it, capped below the bound under which a kernel writing zeros still fails
/// (<see cref="MaxRtol"/>). Float32 outputs keep the op's own tolerance, as in v1.
/// </summary>
public static class DtypeTolerances
{
    public const double HalfRtol = 1e-3;
    public const double BFloat16Rtol = 1.6e-2;
    public const double NarrowAtol = 1e-5;

    /// <summary>The highest rtol a spec may ask for an output of this type (a kernel writing zeros must still fail).</summary>
    public static double MaxRtol(ElementType type) => type is ElementType.Float8E4M3 or ElementType.Float8E5M2 ? 0.3 : 0.1;

    /// <summary>How many times its tolerance a reference element must exceed to count against a kernel writing zeros.</summary>
    public static double ZeroMargin(ElementType type) => type is ElementType.Float8E4M3 or ElementType.Float8E5M2 ? 2 : 10;

    public static Tolerance Default(OpDefinition op, ElementType type, CaseParams parameters)
    {
        if (!type.IsFloat() || type == ElementType.Float32)
            return op.DefaultTolerance;
        if (op.DtypeTolerance?.Invoke(type, parameters) is { } own)
            return own;
        var widening = Math.Max(1, Math.Sqrt(op.ReductionLength?.Invoke(parameters) ?? 1) / 16);
        return type switch
        {
            ElementType.Float16 => new Tolerance(NarrowAtol * widening, Math.Min(HalfRtol * widening, 0.09)),
            ElementType.BFloat16 => new Tolerance(NarrowAtol * widening, Math.Min(BFloat16Rtol * widening, 0.09)),
            ElementType.Float8E4M3 => new Tolerance(NarrowAtol, 0.125),
            _ => new Tolerance(NarrowAtol, 0.25),
        };
    }
}
