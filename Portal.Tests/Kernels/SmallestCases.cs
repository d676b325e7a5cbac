using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>
/// What "the smallest case" means for an op. It is one element — unless the op's outputs vanish identically at one
/// element (a softmax gradient of a one-column row is 0), so that a kernel writing zeros would pass it and the runner
/// refuses it; then it is one row of at most three columns.
/// </summary>
internal static class SmallestCases
{
    public static bool OutputsVanishAtOneElement(OpDefinition op)
    {
        var ones = new CaseParams(op, op.Params.ToDictionary(p => p.Name, p => p.Kind == ParamKind.Int ? 1 : p.Default!.Value));
        return ReferenceCheck.FindProblem(op, op.Reference(ones, InputGenerator.Generate(op, ones, 1)), op.DefaultTolerance) is not null;
    }

    public static bool IsSmallest(OpDefinition op, CaseParams parameters) =>
        op.Inputs.First().Length(parameters) == 1 ||
        (OutputsVanishAtOneElement(op) && parameters.Int("rows") == 1 && parameters.Int("cols") <= 3 &&
         parameters.Ints.Where(p => p.Key is not "rows" and not "cols").All(p => p.Value == 1));
}
