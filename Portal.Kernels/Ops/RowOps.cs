using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>softmax, layernorm, rmsnorm: each row of a rows×cols matrix is normalised on its own.</summary>
internal static class RowOps
{
    private static readonly ParamDefinition Rows = new("rows", ParamKind.Int);
    private static readonly ParamDefinition Cols = new("cols", ParamKind.Int);

    private static BufferDefinition Matrix(string name, BufferRole role, Distribution? distribution = null) =>
        new(name, ElementType.Float32, role, "rows·cols", LayoutOps.Elements, distribution is null ? null : _ => distribution);

    private static BufferDefinition Row(string name, Distribution distribution) =>
        BufferDefinition.Input(name, ElementType.Float32, "cols", p => p.Int("cols"), _ => distribution);

    // x in [−2, 2) keeps every output above e^−4/cols (4.5e−6 at cols = 4096), far above atol, with no
    // overflow for kernels that skip subtracting the row maximum. rtol 1e−4 leaves room for a row sum
    // accumulated sequentially in float32.
    public static OpDefinition Softmax { get; } = new(
        Name: "softmax",
        Semantics: "y[i,j] = exp(x[i,j]) / Σ_j' exp(x[i,j'])",
        Params: [Rows, Cols],
        Buffers: [Matrix("x", BufferRole.Input, new UniformReals(-2, 2)), Matrix("y", BufferRole.Output)],
        DefaultTolerance: new(1e-9, 1e-4),
        DefaultCases: DefaultCases.Rows,
        Reference: (p, inputs) => PerRow(p, inputs["x"].ToDoubles(), (x, y) =>
        {
            var max = double.NegativeInfinity;
            foreach (var v in x)
                max = Math.Max(max, v);
            var sum = 0.0;
            for (var j = 0; j < x.Length; j++)
                sum += y[j] = Math.Exp(x[j] - max);
            for (var j = 0; j < y.Length; j++)
                y[j] /= sum;
        }),
        BytesMoved: p => 8.0 * LayoutOps.Elements(p),
        // max, subtract, exp, add, divide.
        Flops: p => 5.0 * LayoutOps.Elements(p),
        // Softmax ignores a row's offset, so the outputs are those of the default inputs; x − max stays exact in float32.
        Adversarial: [Adversarial.Of("large", "rows offset by ±1000: exp without the row maximum overflows or underflows",
            ("x", p => new AlternatingRowOffset(new UniformReals(-2, 2), p.Int("cols"), 1000)))]);

    // |β| ≥ 4 with γ ≤ 1 keeps |y| ≥ 4 − |normalised x| > 0: rows of up to 16 columns cannot normalise past
    // √(cols − 1) < 4 (Samuelson's inequality) and longer uniform rows practically never come near it.
    public static OpDefinition LayerNorm { get; } = new(
        Name: "layernorm",
        Semantics: "y[i,j] = (x[i,j] − mean_i)/√(var_i + eps)·gamma[j] + beta[j], biased variance",
        Params: [Rows, Cols, new("eps", ParamKind.Float, 1e-5)],
        Buffers:
        [
            Matrix("x", BufferRole.Input, new UniformReals(-2, 2)),
            Row("gamma", new UniformReals(0.5, 1)),
            Row("beta", new SignedReals(4, 6)),
            Matrix("y", BufferRole.Output),
        ],
        DefaultTolerance: new(1e-4, 1e-4),
        DefaultCases: DefaultCases.Rows,
        Reference: (p, inputs) =>
        {
            double eps = p.Float("eps");
            var gamma = inputs["gamma"].ToDoubles();
            var beta = inputs["beta"].ToDoubles();
            return PerRow(p, inputs["x"].ToDoubles(), (x, y) =>
            {
                var mean = 0.0;
                foreach (var v in x)
                    mean += v;
                mean /= x.Length;
                var variance = 0.0;
                foreach (var v in x)
                    variance += (v - mean) * (v - mean);
                var scale = 1 / Math.Sqrt(variance / x.Length + eps);
                for (var j = 0; j < x.Length; j++)
                    y[j] = (x[j] - mean) * scale * gamma[j] + beta[j];
            });
        },
        BytesMoved: p => 8.0 * LayoutOps.Elements(p) + 8.0 * p.Int("cols"),
        // mean (1), variance (3), normalise, scale and shift (4).
        Flops: p => 8.0 * LayoutOps.Elements(p),
        // The outputs are those of the default inputs; E[x²] − mean² cancels away the variance at this offset.
        Adversarial: [Adversarial.Of("large", "rows offset by ±1000: a one-pass variance E[x²] − mean² cancels",
            ("x", p => new AlternatingRowOffset(new UniformReals(-2, 2), p.Int("cols"), 1000)))]);

    // |x| in [0.5, 2] bounds the row's root mean square by 2, so |y| ≥ 0.5/2·0.5 = 0.125 by construction.
    public static OpDefinition RmsNorm { get; } = new(
        Name: "rmsnorm",
        Semantics: "y[i,j] = x[i,j]/√(mean_j(x[i,j]²) + eps)·w[j]",
        Params: [Rows, Cols, new("eps", ParamKind.Float, 1e-6)],
        Buffers:
        [
            Matrix("x", BufferRole.Input, new SignedReals(0.5, 2)),
            Row("w", new UniformReals(0.5, 1.5)),
            Matrix("y", BufferRole.Output),
        ],
        DefaultTolerance: new(1e-5, 1e-4),
        DefaultCases: DefaultCases.Rows,
        Reference: (p, inputs) =>
        {
            double eps = p.Float("eps");
            var w = inputs["w"].ToDoubles();
            return PerRow(p, inputs["x"].ToDoubles(), (x, y) =>
            {
                var squares = 0.0;
                foreach (var v in x)
                    squares += (double)v * v;
                var scale = 1 / Math.Sqrt(squares / x.Length + eps);
                for (var j = 0; j < x.Length; j++)
                    y[j] = x[j] * scale * w[j];
            });
        },
        BytesMoved: p => 8.0 * LayoutOps.Elements(p) + 4.0 * p.Int("cols"),
        // square and add (2), scale, weight (2).
        Flops: p => 4.0 * LayoutOps.Elements(p),
        // Scale-invariant: |y| stays ≥ 0.125; squares reach 4·10^6, where half precision overflows.
        Adversarial: [Adversarial.Of("large", "|x| in [500, 2000): squares overflow a half-precision accumulator",
            ("x", new SignedReals(500, 2000)))]);

    private delegate void RowFunction(ReadOnlySpan<double> x, Span<double> y);

    private static IReadOnlyDictionary<string, double[]> PerRow(CaseParams p, double[] x, RowFunction row)
    {
        var cols = p.Int32("cols");
        var y = new double[x.Length];
        ChunkedParallel.ForEachIndex(p.Int32("rows"), i =>
            row(x.AsSpan(i * cols, cols), y.AsSpan(i * cols, cols)));
        return ReferenceOutput.Of("y", y);
    }
}
