using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>embedding, cross_entropy, conv2d (catalog v2): the lookup, the loss and the convolution of model training and inference.</summary>
internal static class ModelOps
{
    private static readonly Tolerance Exact = new(0, 0);

    // A gather copies values: exact at every dtype (the table's values are exact in f32, f16 and bf16, so even a
    // conversion between those is), hence tolerance 0 for every output dtype, where the generic table would let a
    // wrong row whose values are within a few bfloat16 units pass. DistinctRows makes every pair of rows differ
    // (neighbours from the first element), so a wrong row is caught; |y| ≥ 1 everywhere, so a zero-writer fails.
    public static OpDefinition Embedding { get; } = new(
        Name: "embedding",
        Semantics: "y[t,d] = table[ids[t],d]",
        Params: [new("tokens", ParamKind.Int), new("vocab", ParamKind.Int), new("dim", ParamKind.Int)],
        Buffers:
        [
            BufferDefinition.Input("table", ElementType.Float32, "vocab·dim", p => p.Int("vocab") * p.Int("dim"), p => new DistinctRows(p.Int("dim"))),
            BufferDefinition.Input("ids", ElementType.Int32, "tokens", p => p.Int("tokens"), p => new UniformIntegers(0, p.Int("vocab") - 1)),
            BufferDefinition.Output("y", ElementType.Float32, "tokens·dim", p => p.Int("tokens") * p.Int("dim")),
        ],
        DefaultTolerance: Exact,
        DefaultCases:
        [
            DefaultCases.Of(("tokens", 1), ("vocab", 1), ("dim", 1)),
            DefaultCases.Of(("tokens", 1000), ("vocab", 3), ("dim", 5)),
            DefaultCases.Of(("tokens", 255), ("vocab", 50257), ("dim", 257)),
            DefaultCases.Of(("tokens", 4096), ("vocab", 32000), ("dim", 1024)),
        ],
        Reference: (p, inputs) =>
        {
            var table = inputs["table"];
            var ids = inputs["ids"].IntArray;
            var dim = p.Int32("dim");
            var y = new double[(long)ids.Length * dim];
            ChunkedParallel.ForEachIndex(ids.Length, t =>
            {
                var row = ids[t] * (long)dim;
                for (var d = 0; d < dim; d++)
                    y[(long)t * dim + d] = table[checked((int)(row + d))];
            });
            return ReferenceOutput.Of("y", y);
        },
        BytesMoved: p => 4.0 * (2 * p.Int("tokens") * p.Int("dim") + p.Int("tokens")),
        Flops: null,
        // The last row is where a bound one off (ids clamped to vocab − 2, or a check id < vocab − 1) goes wrong, and
        // where reading one row too far runs off the table.
        Adversarial: [Adversarial.Of("last_rows", "half the ids are vocab − 1: a bound one off or a row past the table shows",
            ("ids", p => new TopSkewedIntegers(p.Int("vocab") - 1)))],
        DtypeTolerance: (_, _) => Exact);

    // Logits alternate in sign along the row with |x| in [1, 2): the loss lies in (0.018, ln(cols) + 4], at least
    // e^−4 for any row of two or more columns, and reading the logit beside the target moves it by at least 2, more
    // than any tolerance here allows. One class (cols = 1) always has loss 0, so no case uses it. float32: rtol 1e−5
    // leaves room for exp, log and a sum of 32000 terms in float; f16 and bf16 keep torch.testing's defaults without
    // the widening by cols, because the loss is the log of the sum, so the sum's relative error becomes an absolute
    // error of a value of several units: it does not grow with the row in relative terms, and one unit in the last
    // place of the output (2^−10, 2^−7) stays within rtol.
    public static OpDefinition CrossEntropy { get; } = new(
        Name: "cross_entropy",
        Semantics: "loss[i] = log Σ_j exp(logits[i,j]) − logits[i,target[i]]",
        Params: [new("rows", ParamKind.Int), new("cols", ParamKind.Int)],
        Buffers:
        [
            // target comes first so that a case of one row has a first input of one element, as the suites ask.
            BufferDefinition.Input("target", ElementType.Int32, "rows", p => p.Int("rows"), p => new UniformIntegers(0, p.Int("cols") - 1)),
            BufferDefinition.Input("logits", ElementType.Float32, "rows·cols", LayoutOps.Elements, _ => new AlternatingSignReals(1, 2)),
            BufferDefinition.Output("loss", ElementType.Float32, "rows", p => p.Int("rows")),
        ],
        DefaultTolerance: new(1e-5, 1e-5),
        DefaultCases:
        [
            DefaultCases.Of(("rows", 1), ("cols", 3)),
            DefaultCases.Of(("rows", 3), ("cols", 1000)),
            DefaultCases.Of(("rows", 255), ("cols", 257)),
            DefaultCases.Of(("rows", 1024), ("cols", 32000)),
        ],
        Reference: (p, inputs) =>
        {
            var logits = inputs["logits"].ToDoubles();
            var target = inputs["target"].IntArray;
            var cols = p.Int32("cols");
            var loss = new double[target.Length];
            ChunkedParallel.ForEachIndex(target.Length, i =>
            {
                var row = logits.AsSpan(i * cols, cols);
                var max = double.NegativeInfinity;
                foreach (var v in row)
                    max = Math.Max(max, v);
                var sum = 0.0;
                foreach (var v in row)
                    sum += Math.Exp(v - max);
                loss[i] = max + Math.Log(sum) - row[target[i]];
            });
            return ReferenceOutput.Of("loss", loss);
        },
        BytesMoved: p => 4.0 * (LayoutOps.Elements(p) + 2 * p.Int("rows")),
        // max, subtract, exp, add.
        Flops: p => 4.0 * LayoutOps.Elements(p),
        // The loss ignores a row's offset, so the outputs are those of the default inputs; x − max stays exact in float32.
        Adversarial: [Adversarial.Of("large", "rows offset by ±1000: logsumexp without the row maximum overflows or underflows",
            ("logits", p => new AlternatingRowOffset(new AlternatingSignReals(1, 2), p.Int("cols"), 1000)))],
        ReductionLength: p => p.Int("cols"),
        DtypeTolerance: (type, _) => type switch
        {
            ElementType.Float16 => new Tolerance(DtypeTolerances.NarrowAtol, DtypeTolerances.HalfRtol),
            ElementType.BFloat16 => new Tolerance(DtypeTolerances.NarrowAtol, DtypeTolerances.BFloat16Rtol),
            _ => null,
        });

    // Integers in [1, 4] make every product and partial sum an integer below 16·c·r·s, exact in float32 in any order
    // (as for matmul), so a correct kernel is exact, a missing or wrong term is off by at least 1, and y ≥ 1 (the
    // centre tap is never padding). The generic dtype table fits: the reference rounded to f16/bf16 is what an exact
    // float32 sum rounds to, and the widening by c·r·s only matters to kernels that accumulate in the narrow type.
    public static OpDefinition Conv2d { get; } = new(
        Name: "conv2d",
        Semantics: "y[b,o,i,j] = Σ_ch,u,v x[b,ch,i+u−(r−1)/2,j+v−(s−1)/2]·wt[o,ch,u,v], NCHW, zero padding, stride 1",
        Params:
        [
            new("n", ParamKind.Int), new("c", ParamKind.Int), new("h", ParamKind.Int), new("w", ParamKind.Int),
            new("k", ParamKind.Int), new("r", ParamKind.Int, 3), new("s", ParamKind.Int, 3),
        ],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Float32, "n·c·h·w", Image, _ => new UniformIntegers(1, 4)),
            BufferDefinition.Input("wt", ElementType.Float32, "k·c·r·s", p => p.Int("k") * p.Int("c") * p.Int("r") * p.Int("s"), _ => new UniformIntegers(1, 4)),
            BufferDefinition.Output("y", ElementType.Float32, "n·k·h·w", p => p.Int("n") * p.Int("k") * p.Int("h") * p.Int("w")),
        ],
        DefaultTolerance: new(0.01, 0),
        DefaultCases:
        [
            DefaultCases.Of(("n", 1), ("c", 1), ("h", 1), ("w", 1), ("k", 1), ("r", 3), ("s", 3)),
            DefaultCases.Of(("n", 2), ("c", 3), ("h", 5), ("w", 7), ("k", 4), ("r", 3), ("s", 3)),
            DefaultCases.Of(("n", 1), ("c", 5), ("h", 17), ("w", 19), ("k", 3), ("r", 5), ("s", 3)),
            DefaultCases.Of(("n", 16), ("c", 16), ("h", 128), ("w", 128), ("k", 16), ("r", 3), ("s", 3)),
        ],
        Reference: (p, inputs) => ReferenceOutput.Of("y", Convolve(inputs["x"].ToDoubles(), inputs["wt"].ToDoubles(), p)),
        BytesMoved: p => 4.0 * (Image(p) + p.Int("k") * p.Int("c") * p.Int("r") * p.Int("s") + p.Int("n") * p.Int("k") * p.Int("h") * p.Int("w")),
        Flops: p => 2.0 * p.Int("n") * p.Int("k") * p.Int("h") * p.Int("w") * p.Int("c") * p.Int("r") * p.Int("s"),
        // Border pixels of 32..64 beside inner ones of 1..4: a kernel that reads the next row, plane or image instead of
        // a zero is wrong by at least 32·1 on an edge output, visible even at a narrow output dtype.
        Adversarial: [Adversarial.Of("edges", "border pixels of 32..64: padding read from a neighbouring row or plane instead of zero",
            ("x", p => new PlaneBorders(new UniformIntegers(1, 4), new UniformIntegers(32, 64), p.Int("h"), p.Int("w"))))],
        ReductionLength: p => p.Int("c") * p.Int("r") * p.Int("s"));

    private static long Image(CaseParams p) => p.Int("n") * p.Int("c") * p.Int("h") * p.Int("w");

    /// <summary>
    /// im2col then <see cref="MatmulOp.Multiply"/> per image: y[b] (k × h·w) = wt (k × c·r·s) · columns (c·r·s × h·w),
    /// so the large default case takes a second on two cores instead of a minute for seven nested loops.
    /// </summary>
    private static double[] Convolve(double[] x, double[] wt, CaseParams p)
    {
        int n = p.Int32("n"), c = p.Int32("c"), h = p.Int32("h"), w = p.Int32("w"), k = p.Int32("k"), r = p.Int32("r"), s = p.Int32("s");
        int padR = (r - 1) / 2, padS = (s - 1) / 2, taps = c * r * s, pixels = h * w;
        var y = new double[(long)n * k * pixels];
        var columns = new double[(long)taps * pixels];
        for (var b = 0; b < n; b++)
        {
            var image = (long)b * c * pixels;
            ChunkedParallel.ForEachIndex(taps, t =>
            {
                int ch = t / (r * s), u = t / s % r, v = t % s;
                var plane = image + (long)ch * pixels;
                for (var i = 0; i < h; i++)
                {
                    var ii = i + u - padR;
                    for (var j = 0; j < w; j++)
                    {
                        var jj = j + v - padS;
                        columns[(long)t * pixels + i * w + j] = ii >= 0 && ii < h && jj >= 0 && jj < w ? x[plane + ii * w + jj] : 0;
                    }
                }
            });
            var product = MatmulOp.Multiply(wt, columns, k, pixels, taps);
            Array.Copy(product, 0, y, (long)b * k * pixels, product.Length);
        }
        return y;
    }
}
