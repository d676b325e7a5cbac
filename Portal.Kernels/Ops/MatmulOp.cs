using System.Numerics;
using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>matmul: c = a·b, row-major.</summary>
internal static class MatmulOp
{
    private const int Rows = 4;

    // Integers in [1, 4] make every product and partial sum an integer below 16·k, exact in float32
    // (and in TF32 tensor-core inputs) for k ≤ 2^20 in any summation order, so a correct kernel is exact,
    // a missing term is off by at least 1, and c ≥ k ≥ 1 is never zero.
    public static OpDefinition Matmul { get; } = new(
        Name: "matmul",
        Semantics: "c[i,j] = Σ_k a[i,k]·b[k,j], row-major",
        Params: [new("m", ParamKind.Int), new("n", ParamKind.Int), new("k", ParamKind.Int)],
        Buffers:
        [
            BufferDefinition.Input("a", ElementType.Float32, "m·k", p => p.Int("m") * p.Int("k"), _ => new UniformIntegers(1, 4)),
            BufferDefinition.Input("b", ElementType.Float32, "k·n", p => p.Int("k") * p.Int("n"), _ => new UniformIntegers(1, 4)),
            BufferDefinition.Output("c", ElementType.Float32, "m·n", p => p.Int("m") * p.Int("n")),
        ],
        DefaultTolerance: new(0.01, 0),
        DefaultCases:
        [
            DefaultCases.Of(("m", 1), ("n", 1), ("k", 1)),
            DefaultCases.Of(("m", 17), ("n", 33), ("k", 65)),
            DefaultCases.Of(("m", 255), ("n", 257), ("k", 129)),
            DefaultCases.Of(("m", 2048), ("n", 2048), ("k", 2048)),
        ],
        Reference: (p, inputs) => ReferenceOutput.Of("c",
            Multiply(inputs["a"].ToDoubles(), inputs["b"].ToDoubles(), p.Int32("m"), p.Int32("n"), p.Int32("k"))),
        BytesMoved: p => 4.0 * (p.Int("m") * p.Int("k") + p.Int("k") * p.Int("n") + p.Int("m") * p.Int("n")),
        Flops: p => 2.0 * p.Int("m") * p.Int("n") * p.Int("k"),
        // c ≤ −k: negative integers, exact in float32 as the default ones are.
        Adversarial: [Adversarial.Of("negative", "a negative: every product and every sum negative", ("a", new UniformIntegers(-4, -1)))]);

    /// <summary>
    /// Double-precision product, register-blocked so that 2048³ takes about a second on two cores rather than
    /// minutes: each micro-tile of <see cref="Rows"/> rows × two Vector&lt;double&gt; columns keeps its eight
    /// accumulators in registers over all of k, and a task owns one column strip for all rows, so that
    /// strip of b (k × 64 bytes) stays in cache while the rows go by. Edges use a plain loop.
    /// </summary>
    internal static double[] Multiply(double[] aWide, double[] bWide, int m, int n, int k)
    {
        var c = new double[(long)m * n];
        var stripWidth = 2 * Vector<double>.Count;
        var strips = n / stripWidth;
        ChunkedParallel.ForEachIndex(strips, strip =>
        {
            var j = strip * stripWidth;
            var i = 0;
            for (; i + Rows <= m; i += Rows)
                MicroTile(aWide, bWide, c, i, j, n, k);
            for (; i < m; i++)
                Plain(aWide, bWide, c, i, j, j + stripWidth, n, k);
        });
        var tail = strips * stripWidth;
        if (tail < n)
            ChunkedParallel.ForEachIndex(m, i => Plain(aWide, bWide, c, i, tail, n, n, k));
        return c;
    }

    private static void MicroTile(double[] a, double[] b, double[] c, int i, int j, int n, int k)
    {
        var width = Vector<double>.Count;
        Vector<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<double> c20 = default, c21 = default, c30 = default, c31 = default;
        int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
        for (var kk = 0; kk < k; kk++)
        {
            var row = kk * n + j;
            var b0 = new Vector<double>(b, row);
            var b1 = new Vector<double>(b, row + width);
            var x = new Vector<double>(a[a0 + kk]);
            c00 = Vector.MultiplyAddEstimate(x, b0, c00);
            c01 = Vector.MultiplyAddEstimate(x, b1, c01);
            x = new Vector<double>(a[a1 + kk]);
            c10 = Vector.MultiplyAddEstimate(x, b0, c10);
            c11 = Vector.MultiplyAddEstimate(x, b1, c11);
            x = new Vector<double>(a[a2 + kk]);
            c20 = Vector.MultiplyAddEstimate(x, b0, c20);
            c21 = Vector.MultiplyAddEstimate(x, b1, c21);
            x = new Vector<double>(a[a3 + kk]);
            c30 = Vector.MultiplyAddEstimate(x, b0, c30);
            c31 = Vector.MultiplyAddEstimate(x, b1, c31);
        }
        var at = i * n + j;
        c00.CopyTo(c, at);
        c01.CopyTo(c, at + width);
        c10.CopyTo(c, at + n);
        c11.CopyTo(c, at + n + width);
        c20.CopyTo(c, at + 2 * n);
        c21.CopyTo(c, at + 2 * n + width);
        c30.CopyTo(c, at + 3 * n);
        c31.CopyTo(c, at + 3 * n + width);
    }

    private static void Plain(double[] a, double[] b, double[] c, int i, int from, int to, int n, int k)
    {
        for (var j = from; j < to; j++)
        {
            var sum = 0.0;
            for (var kk = 0; kk < k; kk++)
                sum += a[i * k + kk] * b[kk * n + j];
            c[i * n + j] = sum;
        }
    }
}
