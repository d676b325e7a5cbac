using System.Numerics;
using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>attention, rope, swiglu: the inference ops of catalog v2 (DESIGN.md "AI ops").</summary>
internal static class InferenceOps
{
    private static long Tokens(CaseParams p) => p.Int("bh") * p.Int("seq") * p.Int("dim");

    private static BufferDefinition Qkv(string name, Distribution distribution) =>
        BufferDefinition.Input(name, ElementType.Float32, "bh·seq·dim", Tokens, _ => distribution);

    // v in [1, 2): every output is a convex combination of rows of v, so it lies in [1, 2) too and is never near
    // zero in any dtype (a kernel writing zeros fails everywhere), while a wrong weight, a key too many or too few,
    // or a missing scale moves it by far more than rtol. q, k in [−2, 2) keep |q·k|/√dim ≤ 4√dim: no overflow in
    // float32 without the row maximum, but logits spread enough (σ ≈ 1.3) that the weights matter.
    // rtol 1e−4 as softmax: exp and the row sums in float32 stay within a few 1e−6.
    public static OpDefinition Attention { get; } = new(
        Name: "attention",
        Semantics: "per bh: o = softmax(q·kᵀ/√dim)·v; when causal, row i sees keys j ≤ i",
        Params:
        [
            new("bh", ParamKind.Int), new("seq", ParamKind.Int), new("dim", ParamKind.Int, 64),
            new("causal", ParamKind.Int, 0, Minimum: 0, Maximum: 1),
        ],
        Buffers:
        [
            Qkv("q", new UniformReals(-2, 2)),
            Qkv("k", new UniformReals(-2, 2)),
            Qkv("v", new UniformReals(1, 2)),
            BufferDefinition.Output("o", ElementType.Float32, "bh·seq·dim", Tokens),
        ],
        DefaultTolerance: new(1e-5, 1e-4),
        DefaultCases:
        [
            DefaultCases.Of(("bh", 1), ("seq", 1), ("dim", 1), ("causal", 0)),
            DefaultCases.Of(("bh", 1), ("seq", 7), ("dim", 5), ("causal", 1)),
            DefaultCases.Of(("bh", 3), ("seq", 33), ("dim", 17), ("causal", 0)),
            DefaultCases.Of(("bh", 5), ("seq", 257), ("dim", 65), ("causal", 1)),
            DefaultCases.Of(("bh", 128), ("seq", 256), ("dim", 64), ("causal", 1)),
        ],
        Reference: (p, inputs) => ReferenceOutput.Of("o", Attend(
            inputs["q"].ToDoubles(), inputs["k"].ToDoubles(), inputs["v"].ToDoubles(),
            p.Int32("bh"), p.Int32("seq"), p.Int32("dim"), p.Int("causal") == 1)),
        BytesMoved: p => 16.0 * Tokens(p),
        // q·kᵀ and p·v: 2·dim each per (query, key) pair; causal keeps seq(seq+1)/2 of the seq² pairs.
        Flops: p => 4.0 * p.Int("bh") * p.Int("dim") * (p.Int("causal") == 1 ? p.Int("seq") * (p.Int("seq") + 1) / 2.0 : (double)p.Int("seq") * p.Int("seq")),
        // q in [9, 12] and k in [1, 3], integers: q·k is an exact float32 integer up to 36·dim, so logits reach
        // 168 at dim = 64 (exp overflows float32 past 88.7) and differ by several units, yet a kernel that subtracts
        // the row maximum is as exact as on the default inputs. v is unchanged, so outputs stay in [1, 2).
        Adversarial: [Adversarial.Of("large", "q·k/√dim up to 36·√dim: exp without the row maximum overflows float32",
            ("q", new UniformIntegers(9, 12)), ("k", new UniformIntegers(1, 3)))],
        // Each output sums seq weighted rows, each weight from a dim-term dot product.
        ReductionLength: p => Math.Max(p.Int("seq"), p.Int("dim")));

    // x in ±[0.5, 1): each output pair is the input pair rotated, of length ≥ 0.7, so few single outputs are near
    // zero and a wrong pairing, sign or frequency moves an element by O(1). Positions in [0, 4096): a float32 kernel
    // computing θ = pos·base^(−2i/dim) in float (as torch and most kernels do) loses a few 1e−4 rad there to the
    // rounding of θ and pow's last bits, and up to 2.4e−3 at the 32k positions of "large" (measured with .NET's
    // float MathF); atol 5e−3 admits that and stays far below the O(1) error of any real bug.
    public static OpDefinition Rope { get; } = new(
        Name: "rope",
        Semantics: "θᵢ = pos[t]·base^(−2i/dim); y₂ᵢ = x₂ᵢcosθᵢ − x₂ᵢ₊₁sinθᵢ, y₂ᵢ₊₁ = x₂ᵢsinθᵢ + x₂ᵢ₊₁cosθᵢ, per token t and head",
        Params:
        [
            new("tokens", ParamKind.Int), new("heads", ParamKind.Int), new("dim", ParamKind.Int, Minimum: 2, MultipleOf: 2),
            new("base", ParamKind.Float, 10000),
        ],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Float32, "tokens·heads·dim", RopeElements, _ => new SignedReals(0.5, 1)),
            BufferDefinition.Input("pos", ElementType.Int32, "tokens", p => p.Int("tokens"), _ => new UniformIntegers(0, 4095)),
            BufferDefinition.Output("y", ElementType.Float32, "tokens·heads·dim", RopeElements),
        ],
        DefaultTolerance: new(5e-3, 1e-4),
        DefaultCases:
        [
            DefaultCases.Of(("tokens", 1), ("heads", 1), ("dim", 2)),
            DefaultCases.Of(("tokens", 7), ("heads", 3), ("dim", 6)),
            DefaultCases.Of(("tokens", 33), ("heads", 5), ("dim", 130)),
            DefaultCases.Of(("tokens", 1001), ("heads", 3), ("dim", 64)),
            DefaultCases.Of(("tokens", 8192), ("heads", 32), ("dim", 128)),
        ],
        Reference: (p, inputs) => ReferenceOutput.Of("y", Rotate(inputs["x"].ToDoubles(), inputs["pos"].ToDoubles(),
            p.Int32("tokens"), p.Int32("heads"), p.Int32("dim"), p.Float("base"))),
        BytesMoved: p => 8.0 * RopeElements(p) + 4.0 * p.Int("tokens"),
        // Four multiplies and two adds per pair; the angles' sin and cos are shared by the heads and not counted.
        Flops: p => 3.0 * RopeElements(p),
        // Positions in [16384, 32768), a 32k context: θ in float32 still errs by under 2.5e−3 rad there, but a kernel
        // that rounds θ or pos to a narrower type (half, bfloat16), or reduces large angles badly, is off by O(1).
        Adversarial: [Adversarial.Of("large", "positions in [16384, 32768): an angle held in a type narrower than float32 is off by radians",
            ("pos", new UniformIntegers(16384, 32767)))],
        // The angle's error does not shrink with the storage dtype: narrow outputs keep float32's atol on top of
        // their own rtol (the table's atol of 1e−5 would fail a correct float32-angle kernel near zero crossings).
        DtypeTolerance: (type, _) => type switch
        {
            ElementType.Float16 => new Tolerance(5e-3, DtypeTolerances.HalfRtol),
            ElementType.BFloat16 => new Tolerance(5e-3, DtypeTolerances.BFloat16Rtol),
            ElementType.Float8E4M3 => new Tolerance(5e-3, 0.125),
            _ => new Tolerance(5e-3, 0.25),
        });

    private static long RopeElements(CaseParams p) => p.Int("tokens") * p.Int("heads") * p.Int("dim");

    // a in ±[0.25, 4): |silu(a)| ≥ 0.07 (at a = −4) and b in ±[0.5, 2) keep |y| ≥ 0.035, far above atol, in every
    // dtype; a kernel using sigmoid, gelu or silu(b)·a instead is off by tenths. Tolerance as gelu's.
    public static OpDefinition SwiGlu { get; } = new(
        Name: "swiglu",
        Semantics: "y = silu(a)·b = a/(1 + e^−a)·b",
        Params: [new("n", ParamKind.Int)],
        Buffers:
        [
            BufferDefinition.Input("a", ElementType.Float32, "n", p => p.Int("n"), _ => new SignedReals(0.25, 4)),
            BufferDefinition.Input("b", ElementType.Float32, "n", p => p.Int("n"), _ => new SignedReals(0.5, 2)),
            BufferDefinition.Output("y", ElementType.Float32, "n", p => p.Int("n")),
        ],
        DefaultTolerance: new(1e-5, 1e-4),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) =>
        {
            var a = inputs["a"].ToDoubles();
            var b = inputs["b"].ToDoubles();
            var y = new double[a.Length];
            ChunkedParallel.For(a.Length, (from, to) =>
            {
                for (var i = from; i < to; i++)
                    y[i] = Silu(a[i]) * b[i];
            });
            return ReferenceOutput.Of("y", y);
        },
        BytesMoved: p => 12.0 * p.Int("n"),
        // negate, exp (counted as 1), add, divide, multiply.
        Flops: p => 5.0 * p.Int("n"),
        // a in [20, 100): silu written as a·e^a/(1 + e^a) is ∞/∞ = NaN past a ≈ 88.7, while a/(1 + e^−a) gives a·b,
        // never near zero. (Large negative a would make y vanish, which a kernel writing zeros passes.)
        Adversarial: [Adversarial.Of("large", "a in [20, 100): silu built as a·e^a/(1 + e^a) overflows to NaN",
            ("a", new UniformReals(20, 100)))]);

    internal static double Silu(double a) => a / (1 + Math.Exp(-a));

    /// <summary>Rotates each (even, odd) pair of every head by its token's angle for that pair.</summary>
    internal static double[] Rotate(double[] x, double[] pos, int tokens, int heads, int dim, double @base)
    {
        var y = new double[x.Length];
        ChunkedParallel.ForEachIndex(tokens, t =>
        {
            for (var i = 0; i < dim / 2; i++)
            {
                var theta = pos[t] * Math.Pow(@base, -2.0 * i / dim);
                var (sin, cos) = Math.SinCos(theta);
                for (var h = 0; h < heads; h++)
                {
                    var at = ((long)t * heads + h) * dim + 2 * i;
                    y[at] = x[at] * cos - x[at + 1] * sin;
                    y[at + 1] = x[at] * sin + x[at + 1] * cos;
                }
            }
        });
        return y;
    }

    /// <summary>One task per query row: the scores against the keys it sees, their softmax (maximum subtracted), the weighted sum of v.</summary>
    internal static double[] Attend(double[] q, double[] k, double[] v, int bh, int seq, int dim, bool causal)
    {
        var o = new double[q.Length];
        var scale = 1 / Math.Sqrt(dim);
        ChunkedParallel.ForEachIndex(bh * seq, row =>
        {
            var keys = causal ? row % seq + 1 : seq;
            var head = (long)(row / seq) * seq * dim;
            var query = q.AsSpan(row * dim, dim);
            var weights = new double[keys];
            var max = double.NegativeInfinity;
            for (var j = 0; j < keys; j++)
            {
                weights[j] = Dot(query, k.AsSpan((int)(head + (long)j * dim), dim)) * scale;
                max = Math.Max(max, weights[j]);
            }
            var sum = 0.0;
            for (var j = 0; j < keys; j++)
                sum += weights[j] = Math.Exp(weights[j] - max);
            var output = o.AsSpan(row * dim, dim);
            for (var j = 0; j < keys; j++)
                AddScaled(output, v.AsSpan((int)(head + (long)j * dim), dim), weights[j] / sum);
        });
        return o;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var width = Vector<double>.Count;
        var sums = Vector<double>.Zero;
        var i = 0;
        for (; i + width <= a.Length; i += width)
            sums = Vector.MultiplyAddEstimate(new Vector<double>(a[i..]), new Vector<double>(b[i..]), sums);
        var sum = Vector.Sum(sums);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static void AddScaled(Span<double> into, ReadOnlySpan<double> from, double factor)
    {
        var width = Vector<double>.Count;
        var scaled = new Vector<double>(factor);
        var i = 0;
        for (; i + width <= into.Length; i += width)
            Vector.MultiplyAddEstimate(new Vector<double>(from[i..]), scaled, new Vector<double>(into[i..])).CopyTo(into[i..]);
        for (; i < into.Length; i++)
            into[i] += from[i] * factor;
    }
}
