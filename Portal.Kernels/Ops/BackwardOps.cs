using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>
/// The training (backward) ops of catalog v2: softmax_backward, cross_entropy_backward, layernorm_backward. Each row
/// of a rows×cols matrix is handled on its own; layernorm_backward also sums dgamma and dbeta over the rows. None has
/// a meaningful one-element case (its outputs vanish identically there), so the smallest default case is one row of
/// the fewest columns that give non-zero gradients.
/// </summary>
internal static class BackwardOps
{
    private static readonly ParamDefinition Rows = new("rows", ParamKind.Int);
    private static readonly ParamDefinition Cols = new("cols", ParamKind.Int);

    private static BufferDefinition Matrix(string name, Func<CaseParams, Distribution> distribution) =>
        BufferDefinition.Input(name, ElementType.Float32, "rows·cols", LayoutOps.Elements, distribution);

    private static BufferDefinition MatrixOutput(string name) =>
        BufferDefinition.Output(name, ElementType.Float32, "rows·cols", LayoutOps.Elements);

    private static readonly Distribution Logits = new UniformReals(-2, 2);

    /// <summary>One row of the smallest width the op's gradients are not identically zero at, short and odd rows, then the timed case.</summary>
    private static IReadOnlyList<IReadOnlyDictionary<string, double>> Cases(int smallestCols, int timedRows, int timedCols) =>
    [
        DefaultCases.Of(("rows", 1), ("cols", smallestCols)),
        DefaultCases.Of(("rows", 3), ("cols", 1000)),
        DefaultCases.Of(("rows", 255), ("cols", 257)),
        DefaultCases.Of(("rows", timedRows), ("cols", timedCols)),
    ];

    /// <summary>
    /// For outputs of order 1/cols (probabilities and their gradients): the generic narrow-dtype rtol (widened with
    /// cols), but not the generic atol of 1e−5, which exceeds most elements once rows are a few thousand wide. The atol
    /// is the op's float32 one (the arithmetic is float32 or wider whatever the storage), or, where larger, one step of
    /// the format's smallest values: f16 holds probabilities below 6.1e−5 as subnormals 2^−24 apart, where the rounded
    /// reference and a correct kernel may land one step apart; fp8 gets its smallest subnormal.
    /// </summary>
    private static Tolerance ProbabilityScaled(OpDefinition generic, ElementType type, CaseParams parameters) =>
        DtypeTolerances.Default(generic, type, parameters) with
        {
            Atol = Math.Max(generic.DefaultTolerance.Atol, type switch
            {
                ElementType.Float16 => Math.ScaleB(1, -24),
                ElementType.Float8E4M3 => Math.ScaleB(1, -9),
                ElementType.Float8E5M2 => Math.ScaleB(1, -16),
                _ => 0,
            }),
        };

    private static OpDefinition WithProbabilityScaledTolerance(OpDefinition op) =>
        op with { DtypeTolerance = (type, parameters) => ProbabilityScaled(op, type, parameters) };

    // y is a real softmax output (logits in [−2, 2), so every y ≥ e^−4/cols) and dy is ±[1, 2) with a random sign:
    // Σ dy⊙y is a y-weighted mean of dy, near zero for long rows, so |dy − Σ dy⊙y| is of order 1 for most elements and
    // |dx| ≳ y ≥ 1.8e−5 even at cols = 4096, above ten times the atol. Where dy − Σ dy⊙y cancels, a float32 kernel's
    // error of the sum (a few ulp of |Σ| ≤ 2) times y ≤ 1 remains, up to ~5e−7: atol 1e−6 (measured on PoCL: 6.4e−8
    // off an expected 1.1e−4 at cols = 3, 5.7e−4 relative); rtol 1e−4 covers the rest. No adversarial distribution: the result is not shift-invariant in y, and an offset on dy
    // costs a correct kernel (whose sum then carries the offset) as much as a wrong one.
    public static OpDefinition SoftmaxBackward { get; } = WithProbabilityScaledTolerance(new(
        Name: "softmax_backward",
        Semantics: "dx[i,j] = y[i,j]·(dy[i,j] − Σ_j' dy[i,j']·y[i,j']), y a softmax output",
        Params: [Rows, Cols],
        Buffers:
        [
            Matrix("y", p => new SoftmaxRows(Logits, p.Int("cols"))),
            Matrix("dy", _ => new SignedReals(1, 2)),
            MatrixOutput("dx"),
        ],
        DefaultTolerance: new(1e-6, 1e-4),
        // cols = 2 is the narrowest row whose gradient is not identically zero (one column: y = 1, dx = 0).
        DefaultCases: Cases(2, 4096, 4096),
        Reference: (p, inputs) =>
        {
            var y = inputs["y"].ToDoubles();
            var dy = inputs["dy"].ToDoubles();
            return PerRow(p, "dx", (row, dx) =>
            {
                var ys = y.AsSpan(row, dx.Length);
                var dys = dy.AsSpan(row, dx.Length);
                var sum = 0.0;
                for (var j = 0; j < dx.Length; j++)
                    sum += dys[j] * ys[j];
                for (var j = 0; j < dx.Length; j++)
                    dx[j] = ys[j] * (dys[j] - sum);
            });
        },
        BytesMoved: p => 12.0 * LayoutOps.Elements(p),
        // multiply-add for the sum (2), subtract and multiply (2).
        Flops: p => 4.0 * LayoutOps.Elements(p),
        ReductionLength: p => p.Int("cols")));

    // Logits in [−2, 2) give probabilities ≥ e^−4/cols (≥ 1.8e−5 at cols = 4096 once rounded), far above the atol;
    // the target's element is p − 1 ≤ −(1 − e^4/(cols − 1 + e^4)) < 0, never near zero for rows of more than a few
    // columns. A wrong element is off by a probability (≥ 1e−5 ≫ atol + rtol·|dlogits|) or by the one-hot's 1.
    public static OpDefinition CrossEntropyBackward { get; } = WithProbabilityScaledTolerance(new(
        Name: "cross_entropy_backward",
        Semantics: "dlogits[i,j] = softmax(logits[i])[j] − (j == target[i] ? 1 : 0), no averaging",
        Params: [Rows, Cols],
        Buffers:
        [
            Matrix("logits", _ => Logits),
            BufferDefinition.Input("target", ElementType.Int32, "rows", p => p.Int("rows"), p => new UniformIntegers(0, p.Int("cols") - 1)),
            MatrixOutput("dlogits"),
        ],
        DefaultTolerance: new(1e-9, 1e-4),
        // cols = 2: one column gives softmax 1 − onehot 1 = 0.
        DefaultCases: Cases(2, 4096, 4096),
        Reference: (p, inputs) =>
        {
            var logits = inputs["logits"].ToDoubles();
            var target = inputs["target"].AsInt32().ToArray();
            var cols = p.Int32("cols");
            return PerRow(p, "dlogits", (row, d) =>
            {
                var x = logits.AsSpan(row, d.Length);
                var max = double.NegativeInfinity;
                foreach (var v in x)
                    max = Math.Max(max, v);
                var sum = 0.0;
                for (var j = 0; j < d.Length; j++)
                    sum += d[j] = Math.Exp(x[j] - max);
                for (var j = 0; j < d.Length; j++)
                    d[j] /= sum;
                d[target[row / cols]] -= 1;
            });
        },
        BytesMoved: p => 8.0 * LayoutOps.Elements(p) + 4.0 * p.Int("rows"),
        // max, subtract, exp, add, divide (as softmax).
        Flops: p => 5.0 * LayoutOps.Elements(p),
        ReductionLength: p => p.Int("cols"),
        // Softmax ignores a row's offset, so the gradients are those of the default inputs.
        Adversarial: [Adversarial.Of("large", "rows offset by ±1000: exp without the row maximum overflows or underflows",
            ("logits", p => new AlternatingRowOffset(Logits, p.Int("cols"), 1000)))]));

    // x in [−2, 2) (variance 4/3 ≫ eps), gamma in [0.5, 1), dy integers ±[1, 4]: dbeta = Σ_rows dy is an exact
    // integer sum (in float32, bf16 and f16 alike) that is zero for few columns; dgamma = Σ dy·x̂ grows as √rows; dx is of
    // order rstd·|dy·gamma| ~ 1. cols = 3 is the narrowest row with a gradient: at two columns x̂ = ±1 whatever x is,
    // so dx is only of order eps. Float32: atol 1e−2 covers dgamma where it passes near zero: a float32 x̂ errs by the
    // rounding of the row's mean, ~1e−4 on rows offset by 1000 (distribution "large"), and Σ_rows dy·x̂ grows that as
    // √rows·|dy| (measured on PoCL: 3.1e−3 at 255 rows); |dx| ~ 1 and |dgamma| ~ √rows stay far above it, and
    // rtol 1e−4 covers dx.
    private static readonly OpDefinition LayerNormBackwardGeneric = new(
        Name: "layernorm_backward",
        Semantics: "x̂ = (x − mean)·rstd, rstd = 1/√(var + eps) (biased); dx = rstd·(dy·gamma − mean_j(dy·gamma) − x̂·mean_j(dy·gamma·x̂)); " +
            "dgamma[j] = Σ_i dy[i,j]·x̂[i,j]; dbeta[j] = Σ_i dy[i,j]",
        Params: [Rows, Cols, new("eps", ParamKind.Float, 1e-5)],
        Buffers:
        [
            Matrix("x", _ => Logits),
            Matrix("dy", _ => new NonZeroIntegers(4)),
            BufferDefinition.Input("gamma", ElementType.Float32, "cols", p => p.Int("cols"), _ => new UniformReals(0.5, 1)),
            MatrixOutput("dx"),
            BufferDefinition.Output("dgamma", ElementType.Float32, "cols", p => p.Int("cols")),
            BufferDefinition.Output("dbeta", ElementType.Float32, "cols", p => p.Int("cols")),
        ],
        DefaultTolerance: new(1e-2, 1e-4),
        DefaultCases: Cases(3, 4096, 1024),
        Reference: LayerNormBackwardReference,
        // x and dy read, dx written, gamma read, dgamma and dbeta written.
        BytesMoved: p => 12.0 * LayoutOps.Elements(p) + 12.0 * p.Int("cols"),
        // statistics (mean 1, variance 3, two sums of dy·gamma 4), dx (5), dgamma and dbeta (3).
        Flops: p => 16.0 * LayoutOps.Elements(p),
        // One tolerance serves all three outputs: the longer of the two reductions (cols for dx, rows for dgamma/dbeta) widens it.
        ReductionLength: p => Math.Max(p.Int("rows"), p.Int("cols")),
        // x − mean is shift-invariant; a one-pass variance E[x²] − mean² cancels at this offset.
        Adversarial: [Adversarial.Of("large", "rows offset by ±1000: a one-pass variance E[x²] − mean² cancels",
            ("x", p => new AlternatingRowOffset(Logits, p.Int("cols"), 1000)))]);

    // Narrow dtypes: the generic table, but never an atol below float32's, which dgamma's row sum needs whatever the
    // storage (the kernel accumulates in float32 or wider from the rounded inputs).
    public static OpDefinition LayerNormBackward { get; } = LayerNormBackwardGeneric with
    {
        DtypeTolerance = (type, parameters) =>
        {
            var generic = DtypeTolerances.Default(LayerNormBackwardGeneric, type, parameters);
            return generic with { Atol = Math.Max(generic.Atol, LayerNormBackwardGeneric.DefaultTolerance.Atol) };
        },
    };

    private static IReadOnlyDictionary<string, double[]> LayerNormBackwardReference(CaseParams p, IReadOnlyDictionary<string, HostBuffer> inputs)
    {
        var (rows, cols) = (p.Int32("rows"), p.Int32("cols"));
        double eps = p.Float("eps");
        var x = inputs["x"].ToDoubles();
        var dy = inputs["dy"].ToDoubles();
        var gamma = inputs["gamma"].ToDoubles();
        var mean = new double[rows];
        var rstd = new double[rows];
        var dx = new double[x.Length];
        ChunkedParallel.ForEachIndex(rows, i =>
        {
            var xs = x.AsSpan(i * cols, cols);
            var dys = dy.AsSpan(i * cols, cols);
            var m = 0.0;
            foreach (var v in xs)
                m += v;
            m /= cols;
            double variance = 0, sumDxhat = 0, sumDxhatXhat = 0;
            for (var j = 0; j < cols; j++)
            {
                var d = xs[j] - m;
                variance += d * d;
                sumDxhat += dys[j] * gamma[j];
                sumDxhatXhat += dys[j] * gamma[j] * d;
            }
            var r = 1 / Math.Sqrt(variance / cols + eps);
            var (meanDxhat, meanDxhatXhat) = (sumDxhat / cols, sumDxhatXhat * r / cols);
            for (var j = 0; j < cols; j++)
                dx[i * cols + j] = r * (dys[j] * gamma[j] - meanDxhat - (xs[j] - m) * r * meanDxhatXhat);
            (mean[i], rstd[i]) = (m, r);
        });
        var dgamma = new double[cols];
        var dbeta = new double[cols];
        ChunkedParallel.ForEachIndex(cols, j =>
        {
            double g = 0, b = 0;
            for (var i = 0; i < rows; i++)
            {
                var d = dy[(long)i * cols + j];
                g += d * (x[(long)i * cols + j] - mean[i]) * rstd[i];
                b += d;
            }
            (dgamma[j], dbeta[j]) = (g, b);
        });
        return new Dictionary<string, double[]>(StringComparer.Ordinal) { ["dx"] = dx, ["dgamma"] = dgamma, ["dbeta"] = dbeta };
    }

    /// <summary>Fills one output row by row; the function gets the row's first index and the row's span of the output.</summary>
    private static IReadOnlyDictionary<string, double[]> PerRow(CaseParams p, string output, Action<int, Span<double>> row)
    {
        var cols = p.Int32("cols");
        var values = new double[p.Int("rows") * cols];
        ChunkedParallel.ForEachIndex(p.Int32("rows"), i => row(i * cols, values.AsSpan(i * cols, cols)));
        return ReferenceOutput.Of(output, values);
    }
}
