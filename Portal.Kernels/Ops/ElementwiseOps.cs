using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>vector_add, saxpy, gelu: one output element per input element.</summary>
internal static class ElementwiseOps
{
    private static readonly ParamDefinition N = new("n", ParamKind.Int);

    private static BufferDefinition Vector(string name, BufferRole role, Distribution? distribution = null) =>
        new(name, ElementType.Float32, role, "n", p => p.Int("n"), distribution is null ? null : _ => distribution);

    // Integers plus a half-integer are never zero and every sum is exact in float32, so a lost or
    // wrong element is off by at least 0.5 while a correct kernel is exact on any device.
    public static OpDefinition VectorAdd { get; } = new(
        Name: "vector_add",
        Semantics: "z = x + y",
        Params: [N],
        Buffers:
        [
            Vector("x", BufferRole.Input, new UniformIntegers(-16, 16)),
            Vector("y", BufferRole.Input, new UniformIntegers(-16, 15, Offset: 0.5)),
            Vector("z", BufferRole.Output),
        ],
        DefaultTolerance: new(1e-6, 1e-6),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) => Map(inputs["x"].ToDoubles(), inputs["y"].ToDoubles(), "z", new Add()),
        BytesMoved: p => 12.0 * p.Int("n"),
        Flops: p => p.Int("n"),
        // |z| < 2^22 + 1 keeps every half-integer sum exact in float32; narrower arithmetic (half, int16) is not.
        Adversarial:
        [
            Adversarial.Of("large", "magnitudes up to 2^21: a kernel computing in a narrower type loses digits",
                ("x", new UniformIntegers(-(1 << 21), 1 << 21)), ("y", new UniformIntegers(-(1 << 21), (1 << 21) - 1, Offset: 0.5))),
            Adversarial.Of("negative", "every value negative",
                ("x", new UniformIntegers(-16, -1)), ("y", new UniformIntegers(-16, -1, Offset: -0.5))),
        ]);

    // 2.5·x is a multiple of 0.5 and y is an integer plus 0.25, so z is never zero and is exact in float32
    // with or without a fused multiply-add (for the default a).
    public static OpDefinition Saxpy { get; } = new(
        Name: "saxpy",
        Semantics: "z = a·x + y",
        Params: [N, new("a", ParamKind.Float, 2.5)],
        Buffers:
        [
            Vector("x", BufferRole.Input, new UniformIntegers(-16, 16)),
            Vector("y", BufferRole.Input, new UniformIntegers(-16, 15, Offset: 0.25)),
            Vector("z", BufferRole.Output),
        ],
        DefaultTolerance: new(1e-6, 1e-6),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) => Map(inputs["x"].ToDoubles(), inputs["y"].ToDoubles(), "z", new ScaleAdd(p.Float("a"))),
        BytesMoved: p => 12.0 * p.Int("n"),
        Flops: p => 2.0 * p.Int("n"),
        // With the default a, |z| < 2^21 is a multiple of 0.25, exact in float32 with or without a fused multiply-add.
        Adversarial:
        [
            Adversarial.Of("large", "magnitudes up to 2^19: a kernel computing in a narrower type loses digits",
                ("x", new UniformIntegers(-(1 << 19), 1 << 19)), ("y", new UniformIntegers(-(1 << 19), (1 << 19) - 1, Offset: 0.25))),
            Adversarial.Of("negative", "every value negative",
                ("x", new UniformIntegers(-16, -1)), ("y", new UniformIntegers(-16, -1, Offset: -0.25))),
        ]);

    // |x| ≥ 0.25 keeps |gelu(x)| ≥ 0.0036 (at x = −3), far above atol; |x| ≤ 3 avoids the tail where
    // 1 + tanh cancels and float32 kernels legitimately lose relative accuracy.
    public static OpDefinition Gelu { get; } = new(
        Name: "gelu",
        Semantics: "y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))",
        Params: [N],
        Buffers: [Vector("x", BufferRole.Input, new SignedReals(0.25, 3)), Vector("y", BufferRole.Output)],
        DefaultTolerance: new(1e-5, 1e-4),
        DefaultCases: DefaultCases.Streaming,
        Reference: (p, inputs) =>
        {
            var x = inputs["x"].ToDoubles();
            return Map(x, x, "y", new GeluOfFirst());
        },
        BytesMoved: p => 8.0 * p.Int("n"),
        // By the formula: x³ (2), ·0.044715, +x, ·√(2/π), tanh (counted as 1), +1, ·x, ·0.5.
        Flops: p => 9.0 * p.Int("n"),
        Adversarial:
        [
            // tanh(u) written as (e^{2u} − 1)/(e^{2u} + 1) overflows to ∞/∞ = NaN past u ≈ 44 (x ≈ 12); y ≈ x here.
            Adversarial.Of("large", "x in [3, 30): a tanh built from exp overflows", ("x", new UniformReals(3, 30))),
            // |y| ≥ 0.0036 at x = −3, where 1 + tanh cancels to 1.2 % of its size: still within rtol for float32.
            Adversarial.Of("negative", "x in [−3, −0.25): the side where 1 + tanh cancels", ("x", new UniformReals(-3, -0.25))),
        ]);

    internal static double GeluOf(double x) =>
        0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>An element function; a struct so the JIT specialises and inlines it in <see cref="Map{T}"/>.</summary>
    private interface IElementFunction
    {
        double Apply(double x, double y);
    }

    private readonly struct Add : IElementFunction
    {
        public double Apply(double x, double y) => x + y;
    }

    private readonly struct ScaleAdd(double a) : IElementFunction
    {
        public double Apply(double x, double y) => a * x + y;
    }

    private readonly struct GeluOfFirst : IElementFunction
    {
        public double Apply(double x, double y) => GeluOf(x);
    }

    private static IReadOnlyDictionary<string, double[]> Map<T>(double[] x, double[] y, string output, T function)
        where T : struct, IElementFunction
    {
        var result = new double[x.Length];
        ChunkedParallel.For(x.Length, (from, to) =>
        {
            for (var i = from; i < to; i++)
                result[i] = function.Apply(x[i], y[i]);
        });
        return ReferenceOutput.Of(output, result);
    }
}
