using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

/// <summary>transpose: moves data without arithmetic.</summary>
internal static class LayoutOps
{
    // Reals with 24 random bits almost never repeat, so an element taken from the wrong index is
    // caught; |x| ≥ 1 keeps zeros out. A copy is exact, hence zero tolerance.
    public static OpDefinition Transpose { get; } = new(
        Name: "transpose",
        Semantics: "y[j·rows + i] = x[i·cols + j]",
        Params: [new("rows", ParamKind.Int), new("cols", ParamKind.Int)],
        Buffers:
        [
            BufferDefinition.Input("x", ElementType.Float32, "rows·cols", Elements, _ => new SignedReals(1, 2)),
            BufferDefinition.Output("y", ElementType.Float32, "cols·rows", Elements),
        ],
        DefaultTolerance: new(0, 0),
        DefaultCases:
        [
            DefaultCases.Of(("rows", 1), ("cols", 1)),
            DefaultCases.Of(("rows", 3), ("cols", 5)),
            DefaultCases.Of(("rows", 255), ("cols", 257)),
            DefaultCases.Of(("rows", 8192), ("cols", 8192)),
        ],
        Reference: (p, inputs) =>
        {
            var x = inputs["x"].ToDoubles();
            var rows = p.Int32("rows");
            var cols = p.Int32("cols");
            var y = new double[x.Length];
            ChunkedParallel.ForEachIndex(rows, i =>
            {
                for (var j = 0; j < cols; j++)
                    y[(long)j * rows + i] = x[(long)i * cols + j];
            });
            return ReferenceOutput.Of("y", y);
        },
        BytesMoved: p => 8.0 * Elements(p),
        Flops: null,
        Adversarial: [Adversarial.Of("negative", "every value negative", ("x", new UniformReals(-2, -1)))]);

    internal static long Elements(CaseParams p) => p.Int("rows") * p.Int("cols");
}
