using System.Collections.Frozen;

namespace Portal.Kernels.Ops;

/// <summary>Op catalog v1 and v2 (DESIGN.md): the ops a compatibility test can implement.</summary>
public static class OpCatalog
{
    public static IReadOnlyList<OpDefinition> All { get; } =
    [
        ElementwiseOps.VectorAdd,
        ElementwiseOps.Saxpy,
        ElementwiseOps.Gelu,
        ReductionOps.ReduceSum,
        ReductionOps.Histogram,
        ReductionOps.PrefixSum,
        LayoutOps.Transpose,
        RowOps.Softmax,
        RowOps.LayerNorm,
        RowOps.RmsNorm,
        MatmulOp.Matmul,
        InferenceOps.Attention,
        InferenceOps.Rope,
        InferenceOps.SwiGlu,
        ModelOps.Embedding,
        ModelOps.CrossEntropy,
        ModelOps.Conv2d,
        BackwardOps.SoftmaxBackward,
        BackwardOps.CrossEntropyBackward,
        BackwardOps.LayerNormBackward,
    ];

    private static readonly FrozenDictionary<string, OpDefinition> ByName =
        All.ToFrozenDictionary(op => op.Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => All.Select(op => op.Name);

    public static OpDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static OpDefinition Get(string name) =>
        Find(name) ?? throw new KeyNotFoundException($"No op named '{name}' in the catalog.");

    private static readonly FrozenSet<string> ComputeBoundNames =
        All.Where(op => op.ComputeBound).Select(op => op.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether a catalog op is compute-bound by its own formulas (<see cref="OpDefinition.ComputeBound"/>), decided once per
    /// process: its rate reads in GFLOP/s, others' in GB/s. A custom op or an unknown name is not.
    /// </summary>
    public static bool IsComputeBound(string name) => ComputeBoundNames.Contains(name);
}
