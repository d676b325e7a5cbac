using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>
/// What "the smallest case" means for an op. Every size at the least the op allows (1, or 2 for rope's pairs; flags
/// such as causal are no sizes, and sizes with a default such as histogram's bins keep it) — unless the op's outputs vanish identically there (a
/// softmax gradient of a one-column row is 0), so that a kernel writing zeros would pass it and the runner refuses it;
/// then it is one row of at most three columns.
/// </summary>
internal static class SmallestCases
{
    public static bool OutputsVanishAtOneElement(OpDefinition op)
    {
        var ones = new CaseParams(op, op.Params.ToDictionary(p => p.Name, p => p.Kind == ParamKind.Int ? p.Minimum : p.Default!.Value));
        return ReferenceCheck.FindProblem(op, op.Reference(ones, InputGenerator.Generate(op, ones, 1)), op.DefaultTolerance) is not null;
    }

    public static bool IsSmallest(OpDefinition op, CaseParams parameters) =>
        Sizes(op).All(p => parameters.Int(p.Name) == p.Minimum) ||
        (OutputsVanishAtOneElement(op) && parameters.Int("rows") == 1 && parameters.Int("cols") <= 3 &&
         Sizes(op).Where(p => p.Name is not "rows" and not "cols").All(p => parameters.Int(p.Name) == p.Minimum));

    /// <summary>The int params that size a case: not flags (attention's causal), and without a default (histogram's bins, conv2d's r and s keep theirs).</summary>
    private static IEnumerable<ParamDefinition> Sizes(OpDefinition op) =>
        op.Params.Where(p => p.Kind == ParamKind.Int && !p.IsFlag && p.Default is null);
}
