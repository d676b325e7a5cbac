namespace Portal.Kernels.Buffers;

/// <summary>
/// Conversions between double and the narrow float storage formats (DESIGN.md "Spec v2"), exact and the same on
/// every host: double → format rounds to nearest, ties to even; float16 and bfloat16 overflow to ±∞ as IEEE 754
/// does, the fp8 formats saturate to their largest finite value, ±∞ included (as CUDA's <c>__NV_SATFINITE</c> conversions
/// do; torch's own float8 casts do not saturate: e4m3fn gives NaN from 480 up, e5m2 gives ±∞), NaN stays NaN. docs/kernels.md "Storage dtypes" lists test vectors that
/// <c>FloatFormatsTests</c> holds these functions to.
/// </summary>
public static class FloatFormats
{
    /// <summary>One binary format: exponent and mantissa widths, and how it spends its top exponent.</summary>
    /// <param name="HasInfinity">IEEE-like: the all-ones exponent is ∞ (mantissa 0) or NaN.</param>
    /// <param name="MaxFinite">The largest finite value.</param>
    /// <param name="NaN">The bits of the quiet NaN it produces (sign clear).</param>
    private sealed record Format(int ExponentBits, int MantissaBits, bool HasInfinity, double MaxFinite, uint NaN)
    {
        public int Bias => (1 << (ExponentBits - 1)) - 1;

        /// <summary>The exponent of the smallest normal number.</summary>
        public int MinExponent => 1 - Bias;

        public int SignShift => ExponentBits + MantissaBits;
    }

    private static readonly Format Half = new(5, 10, HasInfinity: true, MaxFinite: 65504, NaN: 0x7E00);
    private static readonly Format Brain = new(8, 7, HasInfinity: true, MaxFinite: 3.3895313892515355e38, NaN: 0x7FC0);

    // e4m3 "fn": no infinity; exponent 1111 is a normal binade except mantissa 111, the one NaN; 448 = 1.75·2^8.
    private static readonly Format E4M3 = new(4, 3, HasInfinity: false, MaxFinite: 448, NaN: 0x7F);
    private static readonly Format E5M2 = new(5, 2, HasInfinity: true, MaxFinite: 57344, NaN: 0x7E);

    private static Format Of(ElementType type) => type switch
    {
        ElementType.Float16 => Half,
        ElementType.BFloat16 => Brain,
        ElementType.Float8E4M3 => E4M3,
        ElementType.Float8E5M2 => E5M2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a narrow float format"),
    };

    private static bool Saturates(ElementType type) => type is ElementType.Float8E4M3 or ElementType.Float8E5M2;

    /// <summary>The largest finite value of a narrow format.</summary>
    public static double MaxFinite(ElementType type) => Of(type).MaxFinite;

    /// <summary>The bits of <paramref name="value"/> in a narrow format, in the low 16 (or 8) bits.</summary>
    public static uint Encode(double value, ElementType type)
    {
        var format = Of(type);
        var sign = double.IsNegative(value) ? 1u << format.SignShift : 0u;
        if (double.IsNaN(value))
            return format.NaN;
        var magnitude = Math.Abs(value);
        if (magnitude == 0)
            return sign;
        var rounded = double.IsInfinity(magnitude) ? magnitude : RoundMagnitude(magnitude, format);
        if (rounded > format.MaxFinite)
        {
            if (Saturates(type))
                rounded = format.MaxFinite;
            else
                return sign | InfinityBits(format);
        }
        return sign | MagnitudeBits(rounded, format);
    }

    /// <summary>The value that narrow-format <paramref name="bits"/> stand for.</summary>
    public static double Decode(uint bits, ElementType type)
    {
        var format = Of(type);
        var negative = (bits >> format.SignShift & 1) == 1;
        var exponent = (int)(bits >> format.MantissaBits) & ((1 << format.ExponentBits) - 1);
        var mantissa = bits & ((1u << format.MantissaBits) - 1);
        var allOnes = (1 << format.ExponentBits) - 1;
        double magnitude;
        if (format.HasInfinity && exponent == allOnes)
            magnitude = mantissa == 0 ? double.PositiveInfinity : double.NaN;
        else if (!format.HasInfinity && exponent == allOnes && mantissa == (1u << format.MantissaBits) - 1)
            magnitude = double.NaN;
        else if (exponent == 0)
            magnitude = Math.ScaleB(mantissa, format.MinExponent - format.MantissaBits);
        else
            magnitude = Math.ScaleB(mantissa + (1u << format.MantissaBits), exponent - format.Bias - format.MantissaBits);
        return negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// <paramref name="value"/> as stored in a buffer of <paramref name="type"/>: rounded to float32, to a narrow
    /// format (and back to double, exactly), or unchanged for int32.
    /// </summary>
    public static double Round(double value, ElementType type) => type switch
    {
        ElementType.Float32 => (float)value,
        ElementType.Int32 => value,
        _ => Decode(Encode(value, type), type),
    };

    /// <summary>Round to nearest even at the format's precision with an unbounded exponent; overflow is the caller's.</summary>
    private static double RoundMagnitude(double magnitude, Format format)
    {
        var exponent = Math.Max(Math.ILogB(magnitude), format.MinExponent);
        // The spacing of representable values around magnitude (subnormals share the smallest normal's).
        var quantum = Math.ScaleB(1.0, exponent - format.MantissaBits);
        return Math.Round(magnitude / quantum, MidpointRounding.ToEven) * quantum;
    }

    private static uint MagnitudeBits(double magnitude, Format format)
    {
        var exponent = Math.ILogB(magnitude);
        if (exponent < format.MinExponent)
            return (uint)Math.ScaleB(magnitude, format.MantissaBits - format.MinExponent);
        var mantissa = (uint)Math.ScaleB(magnitude, format.MantissaBits - exponent) - (1u << format.MantissaBits);
        return (uint)(exponent + format.Bias) << format.MantissaBits | mantissa;
    }

    private static uint InfinityBits(Format format) => (uint)((1 << format.ExponentBits) - 1) << format.MantissaBits;
}
