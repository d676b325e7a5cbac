using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>reduce_sum, histogram, prefix_sum: outputs that depend on many inputs.</summary>
internal static class ReductionOps
{
    private static readonly ParamDefinition N = new("n", ParamKind.Int);

    // Mean-zero integers keep every partial sum (any order, any tree) far below 2^23, so float32
    // accumulation is exact and a lost element is off by at least 1; element 0's extra ½ puts the
    // exact total in ℤ + ½, so it is never zero and a kernel writing zeros cannot pass.
    public static OpDefinition ReduceSum { get; } = new(
        Name: "reduce_sum",
        Semantics: "s[0] = Σ x",
        Params: [N],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Float32, "n", p => p.Int("n"), _ => new NonZeroIntegers(8, FirstOffset: 0.5)),
            BufferDefinition.Output("s", ElementType.Float32, "1", _ => 1),
        ],
        DefaultTolerance: new(0.01, 0),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) =>
        {
            var x = inputs["x"].ToDoubles();
            var sum = ChunkedParallel.Sum(x.Length, (from, to) =>
            {
                var partial = 0.0;
                for (var i = from; i < to; i++)
                    partial += x[i];
                return partial;
            });
            return ReferenceOutput.Of("s", [sum]);
        },
        BytesMoved: p => 4.0 * p.Int("n") + 4,
        Flops: p => p.Int("n"),
        // Half-integers whose partial sums, all of one sign, stay below 2^23 (exact in float32) while n ≤ 1.6 million.
        Adversarial: [Adversarial.Of("negative", "every value negative: a sum started from 0 as a maximum, or unsigned, is wrong",
            ("x", new UniformIntegers(-8, -1, Offset: -0.5)))]);

    public static OpDefinition Histogram { get; } = new(
        Name: "histogram",
        Semantics: "h[b] = count of i with x[i] = b, for x in [0, bins)",
        Params: [N, new("bins", ParamKind.Int, 256)],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Int32, "n", p => p.Int("n"), p => new UniformIntegers(0, p.Int("bins") - 1)),
            BufferDefinition.Output("h", ElementType.Int32, "bins", p => p.Int("bins")),
        ],
        DefaultTolerance: new(0, 0),
        DefaultCases:
        [
            DefaultCases.Of(("n", 1)),
            DefaultCases.Of(("n", 255), ("bins", 7)),
            DefaultCases.Of(("n", 1_000_003)),
            DefaultCases.Of(("n", 1 << 26)),
        ],
        Reference: (p, inputs) =>
        {
            var x = inputs["x"].IntArray;
            var bins = p.Int32("bins");
            var counts = new long[bins];
            // Thread-local counts merged under a lock: integer counts make the merge order irrelevant.
            Parallel.For(0, Math.Max(1, ChunkedParallel.ChunkCount(x.Length)), () => new long[bins], (chunk, _, local) =>
            {
                var end = Math.Min(x.Length, (chunk + 1L) * ChunkedParallel.ChunkSize);
                for (var i = chunk * ChunkedParallel.ChunkSize; i < end; i++)
                    local[x[i]]++;
                return local;
            }, local =>
            {
                lock (counts)
                {
                    for (var b = 0; b < bins; b++)
                        counts[b] += local[b];
                }
            });
            return ReferenceOutput.Of("h", [.. counts.Select(c => (double)c)]);
        },
        BytesMoved: p => 4.0 * p.Int("n") + 4.0 * p.Int("bins"),
        Flops: null,
        Adversarial: [Adversarial.Of("skewed", "half the values in bin 0: counts without atomics collide there",
            ("x", p => new SkewedIntegers(p.Int("bins") - 1)))]);

    // Values in [1, 3] make y strictly increasing from 1, so no output is zero and a lost element shifts
    // everything after it; y stays below 2^31 up to n = 2^29, the most the 4 GiB default limit allows.
    public static OpDefinition PrefixSum { get; } = new(
        Name: "prefix_sum",
        Semantics: "y[i] = x[0] + … + x[i] (inclusive scan)",
        Params: [N],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Int32, "n", p => p.Int("n"), _ => new UniformIntegers(1, 3)),
            BufferDefinition.Output("y", ElementType.Int32, "n", p => p.Int("n")),
        ],
        DefaultTolerance: new(0, 0),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) =>
        {
            // Sequential: about 0.1 s at n = 2^26, not worth a two-pass parallel scan.
            var x = inputs["x"].IntArray;
            var y = new double[x.Length];
            long running = 0;
            for (var i = 0; i < x.Length; i++)
                y[i] = running += x[i];
            return ReferenceOutput.Of("y", y);
        },
        BytesMoved: p => 8.0 * p.Int("n"),
        Flops: p => p.Int("n"),
        // y strictly decreasing from −1: never zero, and a lost element shifts everything after it.
        Adversarial: [Adversarial.Of("negative", "every value negative", ("x", new UniformIntegers(-3, -1)))]);
}
