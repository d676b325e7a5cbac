namespace Portal.Kernels.Inputs;

/// <summary>
/// An embedding table of rows of <paramref name="Dim"/> elements in which any two rows differ: element d of row v
/// has magnitude 1 + code/128 with code = ((v &gt;&gt; 7·(d mod 3)) + 41·d) mod 128 and a random sign. Column d mod 3
/// carries seven bits of the row number, so rows v ≠ v' differ in some column whenever vocab ≤ 128^min(dim, 3), and
/// neighbouring rows always differ in column 0 (an off-by-one row is wrong from its first element). Magnitudes in
/// [1, 2) with seven fraction bits are exact in float32, float16 and bfloat16, so a gather stays exact at those dtypes.
/// </summary>
public sealed record DistinctRows(long Dim) : Distribution
{
    public override string Description => $"±(1 + code/128), code = ((row >> 7·(col mod 3)) + 41·col) mod 128 (rows of {Dim})";

    public override double Sample(ulong bits, long index)
    {
        long row = index / Dim, col = index % Dim;
        var code = ((row >> (int)(7 * (col % 3))) + 41 * col) & 127;
        return Sign(bits) * (1 + code / 128.0);
    }
}

/// <summary>
/// Reals with magnitude uniform in [Min, Max), positive at even indices and negative at odd ones: neighbours always
/// differ by at least 2·Min, so reading the element next to the right one is never within tolerance.
/// </summary>
public sealed record AlternatingSignReals(double Min, double Max) : Distribution
{
    public override string Description => $"+[{Format(Min)}, {Format(Max)}) at even indices, −[{Format(Min)}, {Format(Max)}) at odd ones";

    public override double Sample(ulong bits, long index) => (index % 2 == 0 ? 1 : -1) * (Min + (Max - Min) * Unit(bits));
}

/// <summary>Half the elements (those whose lowest bit is set) are Hi, the others uniform integers in [0, Hi]: the last row or class is read often.</summary>
public sealed record TopSkewedIntegers(long Hi) : Distribution
{
    public override string Description => $"{Hi} for half the elements, the rest integers in [0, {Hi}]";

    public override double Sample(ulong bits, long index) => (bits & 1) == 1 ? Hi : UniformInteger(bits, 0, Hi);
}

/// <summary>
/// Images of <paramref name="Height"/>×<paramref name="Width"/> pixels (NCHW planes): the border pixels of every plane
/// come from <paramref name="Border"/>, the others from <paramref name="Inner"/>. Large borders make a convolution that
/// pads wrongly (reads a neighbouring row or plane instead of a zero) wrong by far more than one term.
/// </summary>
public sealed record PlaneBorders(Distribution Inner, Distribution Border, long Height, long Width) : Distribution
{
    public override string Description => $"border pixels {Border.Description}, the others {Inner.Description}";

    public override double Sample(ulong bits, long index)
    {
        var pixel = index % (Height * Width);
        long i = pixel / Width, j = pixel % Width;
        var border = i == 0 || j == 0 || i == Height - 1 || j == Width - 1;
        return (border ? Border : Inner).Sample(bits, index);
    }
}
