using Portal.Kernels.Expressions;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Spec;

/// <summary>A spec that passed validation, with every default applied: what executors and the runner use.</summary>
public sealed record ValidatedSpec(
    OpDefinition Op,
    KernelLanguage Language,
    string Entry,
    string Source,
    IReadOnlyList<string> Args,
    ValidatedLaunch Launch,
    IReadOnlyList<CaseParams> Cases,
    Tolerance Tolerance,
    ulong Seed,
    TimingPlan Timing,
    int TimeoutSeconds);

/// <param name="Iterations">Timed launches per batch (and the fewest that are timed).</param>
/// <param name="MaxIterations">The most timed launches, however noisy the samples are.</param>
public sealed record TimingPlan(int Warmup, int Iterations, int MaxIterations);

/// <summary>The launch shape with every expression parsed; fields a language does not use are null.</summary>
public sealed record ValidatedLaunch(
    IReadOnlyList<LaunchExpression>? Global,
    IReadOnlyList<LaunchExpression>? Local,
    IReadOnlyList<LaunchExpression>? Grid,
    IReadOnlyList<LaunchExpression>? Block,
    LaunchExpression? SharedBytes,
    LaunchExpression? NumWarps,
    IReadOnlyDictionary<string, LaunchExpression>? Constexprs)
{
    /// <summary>The numbers for one case. Validation has evaluated every case already, so this does not throw for them.</summary>
    public LaunchDimensions Evaluate(CaseParams parameters)
    {
        var names = parameters.Ints;
        IReadOnlyList<long>? All(IReadOnlyList<LaunchExpression>? dims) => dims?.Select(d => d.Evaluate(names)).ToArray();
        return new LaunchDimensions(
            All(Global), All(Local), All(Grid), All(Block),
            SharedBytes?.Evaluate(names), NumWarps?.Evaluate(names),
            Constexprs?.ToDictionary(kv => kv.Key, kv => kv.Value.Evaluate(names), StringComparer.Ordinal));
    }
}

/// <summary>
/// A launch shape evaluated for one case. opencl-c: Global [+ Local]; cuda-c: Grid, Block [+ SharedBytes];
/// triton: Grid [+ NumWarps, Constexprs]. Lists have one to three dimensions.
/// </summary>
public sealed record LaunchDimensions(
    IReadOnlyList<long>? Global,
    IReadOnlyList<long>? Local,
    IReadOnlyList<long>? Grid,
    IReadOnlyList<long>? Block,
    long? SharedBytes,
    long? NumWarps,
    IReadOnlyDictionary<string, long>? Constexprs);

/// <param name="Field">The spec field at fault, as a path: "op", "cases[1].n", "launch.global[0]".</param>
public sealed record SpecProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Either a <see cref="ValidatedSpec"/> or the problems that stop one; never both.</summary>
public sealed record SpecValidation(ValidatedSpec? Spec, IReadOnlyList<SpecProblem> Problems)
{
    public bool IsValid => Spec is not null;

    /// <summary>All problems on one line, for an invalid_spec result.</summary>
    public string Message => string.Join("; ", Problems);
}
