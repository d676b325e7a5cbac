using System.Globalization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>
/// The conversions between double and the narrow storage formats, held to the test vectors of docs/kernels.md
/// "Conversions" (read from the page, so the documentation and the code cannot drift), and the default tolerance
/// table of "Default tolerances per dtype" held to <see cref="DtypeTolerances"/>.
/// </summary>
public class FloatFormatsTests
{
    public sealed record Vector(ElementType Type, double? Input, uint Bits, double Stored, string What)
    {
        public override string ToString() => $"{Type.Dtype()} {Input?.ToString("R", CultureInfo.InvariantCulture) ?? "decode"} → 0x{Bits:X} ({What})";
    }

    private static readonly Lazy<IReadOnlyList<Vector>> Table = new(() =>
    [
        .. DocsTable("### Conversions", "| dtype | input | bits |").Select(cells => new Vector(
            ElementTypes.ParseDtype(cells[0]) ?? throw new FormatException($"unknown dtype {cells[0]}"),
            cells[1] == "—" ? null : Number(cells[1]),
            uint.Parse(cells[2].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            Number(cells[3]),
            cells[4])),
    ]);

    public static TheoryData<Vector> Vectors() => [.. Table.Value];

    [Fact]
    public void The_documented_vectors_cover_every_format_with_ties_subnormals_signed_zero_nan_infinity_and_overflow()
    {
        foreach (var type in ElementTypes.FloatDtypes.Where(t => t != ElementType.Float32))
        {
            var rows = Table.Value.Where(v => v.Type == type).ToList();
            foreach (var topic in (string[])["tie", "subnormal", "negative zero", "NaN", "largest finite", "smallest normal"])
                Assert.Contains(rows, r => r.What.Contains(topic, StringComparison.OrdinalIgnoreCase));
            Assert.Contains(rows, r => r.Input is { } x && double.IsInfinity(x));
            Assert.Contains(rows, r => r.Input is { } x && double.IsFinite(x) && Math.Abs(x) > FloatFormats.MaxFinite(type));
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Rounding_gives_the_documented_bits_and_the_bits_decode_to_the_documented_value(Vector vector)
    {
        if (vector.Input is { } input)
        {
            Assert.Equal(vector.Bits, FloatFormats.Encode(input, vector.Type));
            AssertSame(vector.Stored, FloatFormats.Round(input, vector.Type));
        }
        AssertSame(vector.Stored, FloatFormats.Decode(vector.Bits, vector.Type));
    }

    [Theory]
    [InlineData(ElementType.Float16)]
    [InlineData(ElementType.BFloat16)]
    [InlineData(ElementType.Float8E4M3)]
    [InlineData(ElementType.Float8E5M2)]
    public void Every_bit_pattern_that_is_not_NaN_survives_a_round_trip(ElementType type)
    {
        var count = 1u << (8 * type.SizeInBytes());
        for (var bits = 0u; bits < count; bits++)
        {
            var value = FloatFormats.Decode(bits, type);
            if (double.IsNaN(value) || (double.IsInfinity(value) && type is ElementType.Float8E5M2))
                continue; // e5m2 saturates ±Inf, so its infinity pattern is decoded but never produced
            Assert.Equal(bits, FloatFormats.Encode(value, type));
        }
    }

    [Fact]
    public void The_documented_default_tolerances_are_the_ones_used_and_widen_with_the_reduction_length()
    {
        var rows = DocsTable("### Default tolerances per dtype", "| dtype | atol | rtol |").ToList();
        Assert.Equal(["f16", "bf16", "fp8e4m3", "fp8e5m2"], rows.Select(r => r[0]));
        var elementwise = OpCatalog.Get("vector_add");
        // Whether the catalog's matmul declares its reduction length is the catalog's business; the rule is tested here.
        var matmul = OpCatalog.Get("matmul") with { ReductionLength = p => p.Int("k") };
        var k4096 = new CaseParams(matmul, new Dictionary<string, double> { ["m"] = 64, ["n"] = 64, ["k"] = 4096 });
        foreach (var row in rows)
        {
            var type = ElementTypes.ParseDtype(row[0])!.Value;
            var documented = new Tolerance(Number(row[1]), Number(row[2]));
            Assert.Equal(documented, DtypeTolerances.Default(elementwise, type, new CaseParams(elementwise, new Dictionary<string, double> { ["n"] = 1000 })));
            // √4096 / 16 = 4: f16 and bf16 get four times the base; fp8's unit in the last place does not widen.
            var widened = DtypeTolerances.Default(matmul, type, k4096);
            var expected = type is ElementType.Float16 or ElementType.BFloat16
                ? new Tolerance(documented.Atol * 4, Math.Min(documented.Rtol * 4, 0.09))
                : documented;
            Assert.Equal(expected.Atol, widened.Atol, 12);
            Assert.Equal(expected.Rtol, widened.Rtol, 12);
        }
    }

    private static void AssertSame(double expected, double actual)
    {
        if (double.IsNaN(expected))
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
        else
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual)); // −0 is not 0
    }

    private static double Number(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "-0" => -0.0,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>The rows (cells trimmed) of the first table under <paramref name="heading"/> in docs/kernels.md whose header starts so.</summary>
    private static IEnumerable<string[]> DocsTable(string heading, string header)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "kernels.md"));
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"docs/kernels.md has no '{heading}'");
        var top = Array.FindIndex(lines, start, l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(top > start, $"no table '{header}' under '{heading}'");
        for (var i = top + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            yield return [.. lines[i].Trim('|').Split('|').Select(c => c.Trim())];
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Portal.slnx")))
                return folder.FullName;
        throw new InvalidOperationException($"no Portal.slnx above {AppContext.BaseDirectory}");
    }
}
