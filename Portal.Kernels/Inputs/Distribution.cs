using System.Globalization;

namespace Portal.Kernels.Inputs;

/// <summary>
/// How one input element is made from its 64 random bits. Each sample is computed in double and then
/// stored as the buffer's type (round to nearest float32, or int32), which is exactly reproducible with
/// IEEE arithmetic anywhere. docs/kernels.md gives the same formulas.
/// </summary>
public abstract record Distribution
{
    /// <summary>How the distribution reads in messages and documentation.</summary>
    public abstract string Description { get; }

    /// <param name="bits">The element's random bits.</param>
    /// <param name="index">The element's index in its buffer; only <see cref="NonZeroIntegers"/> and <see cref="AlternatingRowOffset"/> use it.</param>
    public abstract double Sample(ulong bits, long index);

    /// <summary>Uniform integer in [lo, hi]: lo + ((bits &gt;&gt; 32) · (hi − lo + 1)) &gt;&gt; 32, computed in 64-bit unsigned.</summary>
    internal static long UniformInteger(ulong bits, long lo, long hi) =>
        lo + (long)(((bits >> 32) * (ulong)(hi - lo + 1)) >> 32);

    /// <summary>Uniform in [0, 1) from the top 24 bits: (bits &gt;&gt; 40) · 2^-24.</summary>
    internal static double Unit(ulong bits) => (bits >> 40) * (1.0 / (1 << 24));

    /// <summary>Negative when the lowest bit is set; independent of the bits the magnitude uses.</summary>
    internal static double Sign(ulong bits) => (bits & 1) == 1 ? -1.0 : 1.0;

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Integers uniform in [Lo, Hi], plus Offset (0.5 makes half-integers, which are never zero).</summary>
public sealed record UniformIntegers(long Lo, long Hi, double Offset = 0) : Distribution
{
    public override string Description =>
        Offset == 0 ? $"integers in [{Lo}, {Hi}]" : $"integers in [{Lo}, {Hi}] plus {Format(Offset)}";

    public override double Sample(ulong bits, long index) => UniformInteger(bits, Lo, Hi) + Offset;
}

/// <summary>Reals uniform in [Lo, Hi): Lo + (Hi − Lo)·unit.</summary>
public sealed record UniformReals(double Lo, double Hi) : Distribution
{
    public override string Description => $"reals in [{Format(Lo)}, {Format(Hi)})";

    public override double Sample(ulong bits, long index) => Lo + (Hi - Lo) * Unit(bits);
}

/// <summary>Reals with magnitude uniform in [Min, Max) and a random sign, so never closer to zero than Min.</summary>
public sealed record SignedReals(double Min, double Max) : Distribution
{
    public override string Description => $"±[{Format(Min)}, {Format(Max)})";

    public override double Sample(ulong bits, long index) => Sign(bits) * (Min + (Max - Min) * Unit(bits));
}

/// <summary>
/// Integers with magnitude uniform in [1, Max] and a random sign; element 0 then gets FirstOffset added.
/// With FirstOffset 0.5 any exact sum of the buffer lies in ℤ + ½, so it is never zero, while the values
/// stay mean-zero and every partial sum stays small enough to be exact in float32.
/// </summary>
public sealed record NonZeroIntegers(long Max, double FirstOffset = 0) : Distribution
{
    public override string Description =>
        FirstOffset == 0 ? $"±[1, {Max}] integers" : $"±[1, {Max}] integers, element 0 plus {Format(FirstOffset)}";

    public override double Sample(ulong bits, long index) =>
        Sign(bits) * UniformInteger(bits, 1, Max) + (index == 0 ? FirstOffset : 0);
}

/// <summary>
/// Inner's value plus a large offset per row of <paramref name="Cols"/> elements, +Offset on even rows and −Offset
/// on odd ones: row-wise ops that are shift-invariant (softmax) or subtract the mean (layernorm) must give the same
/// answer as without it, which a kernel that skips the row maximum (exp overflows) or computes E[x²] − mean²
/// (cancellation) does not.
/// </summary>
public sealed record AlternatingRowOffset(Distribution Inner, long Cols, double Offset) : Distribution
{
    public override string Description => $"{Inner.Description} ±{Format(Offset)} (+ on even rows, − on odd rows)";

    public override double Sample(ulong bits, long index) =>
        Inner.Sample(bits, index) + (index / Cols % 2 == 0 ? Offset : -Offset);
}

/// <summary>
/// Half the elements (those whose lowest bit is set) are 0, the others uniform integers in [0, Hi]: one bin gets
/// most of the counts, the contention that a histogram without atomics loses counts under.
/// </summary>
public sealed record SkewedIntegers(long Hi) : Distribution
{
    public override string Description => $"0 for half the elements, the rest integers in [0, {Hi}]";

    public override double Sample(ulong bits, long index) => (bits & 1) == 1 ? 0 : UniformInteger(bits, 0, Hi);
}

/// <summary>
/// Rows of <paramref name="Cols"/> elements that are softmax outputs, as a softmax_backward kernel gets them from a
/// forward pass: logit j of a row is Logits' sample from element j's own bits, and the row is
/// exp(l_j − max_l)/Σ exp(l − max_l) in double, each element then rounded to the buffer's dtype (so a row sums to 1
/// up to that rounding). Elements depend on their row, so the generator draws whole rows (<see cref="SampleRow"/>).
/// </summary>
public sealed record SoftmaxRows(Distribution Logits, long Cols) : Distribution
{
    public override string Description => $"rows of {Cols} that are the softmax of logits {Logits.Description}";

    /// <summary>An element on its own is not defined: it depends on its row.</summary>
    public override double Sample(ulong bits, long index) =>
        throw new InvalidOperationException("softmax rows are drawn a row at a time (SampleRow)");

    /// <param name="bits">The random bits of the buffer's element i.</param>
    /// <param name="rowStart">The index of the row's first element.</param>
    public void SampleRow(Func<long, ulong> bits, long rowStart, Span<double> row)
    {
        var max = double.NegativeInfinity;
        for (var j = 0; j < row.Length; j++)
            max = Math.Max(max, row[j] = Logits.Sample(bits(rowStart + j), rowStart + j));
        var sum = 0.0;
        for (var j = 0; j < row.Length; j++)
            sum += row[j] = Math.Exp(row[j] - max);
        for (var j = 0; j < row.Length; j++)
            row[j] /= sum;
    }
}

/// <summary>
/// Approximately standard normal, exactly reproducible: the Irwin–Hall sum of the element's four 16-bit pieces,
/// uᵢ = (pieceᵢ + ½)/2¹⁶, z = (u₁ + u₂ + u₃ + u₄ − 2)·√3 (mean 0, variance 1, |z| &lt; 2√3). Only additions, which
/// are exact, and one rounded multiplication: no transcendental function whose last bit could differ between hosts.
/// </summary>
public sealed record ApproximatelyNormal : Distribution
{
    private static readonly double Root3 = Math.Sqrt(3);

    public override string Description => "approximately normal (mean 0, variance 1, |x| < 3.47)";

    public override double Sample(ulong bits, long index)
    {
        var sum = (double)(bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48) + 2;
        return (sum / 65536 - 2) * Root3;
    }
}
