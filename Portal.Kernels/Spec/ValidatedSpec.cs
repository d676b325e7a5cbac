using Portal.Kernels.Expressions;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Spec;

/// <summary>A spec that passed validation, with every default applied: what executors and the runner use.</summary>
/// <param name="Tolerance">The spec's tolerance for float32 outputs (its own or the op's default).</param>
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
    int TimeoutSeconds)
{
    /// <summary>The storage type of each buffer whose type the spec changed (<c>dtype</c>, <c>dtypes</c>); the others keep the op's.</summary>
    public IReadOnlyDictionary<string, ElementType> BufferTypes { get; init; } = new Dictionary<string, ElementType>();

    /// <summary>The atol and rtol the spec asked for, if any; narrow-dtype outputs take the rest from <see cref="DtypeTolerances"/>.</summary>
    public ToleranceSpec? RequestedTolerance { get; init; }

    /// <summary>The spec's <c>dtype</c> (f32 when absent): what its timing's rates are at, and which datasheet figure they are held to.</summary>
    public ElementType Dtype { get; init; } = ElementType.Float32;

    /// <summary>
    /// The bytes a kernel must read and write in a case at the buffers' resolved dtypes. The op's formula counts
    /// its buffers at their declared types; it is scaled by how much smaller (or larger) all the buffers of the case
    /// are at their resolved dtypes, which is exact for every formula that counts each buffer once (all catalog ops
    /// but dot, whose 4-byte scalar output is left out) and needs no per-op code for a new dtype.
    /// </summary>
    public double BytesMoved(CaseParams parameters)
    {
        double declared = 0, resolved = 0;
        foreach (var buffer in Op.Buffers)
        {
            var length = (double)buffer.Length(parameters);
            declared += length * buffer.Type.SizeInBytes();
            resolved += length * TypeOf(buffer).SizeInBytes();
        }
        var formula = Op.BytesMoved(parameters);
        return declared > 0 ? formula * resolved / declared : formula;
    }

    public ElementType TypeOf(BufferDefinition buffer) => BufferTypes.TryGetValue(buffer.Name, out var type) ? type : buffer.Type;

    /// <summary>The tolerance an output is compared with in a case: the spec's, else the default for the output's dtype.</summary>
    public Tolerance ToleranceFor(BufferDefinition output, CaseParams parameters)
    {
        var type = TypeOf(output);
        if (type == ElementType.Float32 || !type.IsFloat())
            return Tolerance;
        var defaults = DtypeTolerances.Default(Op, type, parameters);
        return new Tolerance(RequestedTolerance?.Atol ?? defaults.Atol, RequestedTolerance?.Rtol ?? defaults.Rtol);
    }
}

/// <param name="Iterations">Timed launches per batch, at most (fewer when the budget would not fit them).</param>
/// <param name="MaxIterations">The most timed launches, however noisy the samples are.</param>
/// <param name="BudgetMs">Device time the timed launches may take together; at least one launch is timed whatever it costs.</param>
public sealed record TimingPlan(int Warmup, int Iterations, int MaxIterations, int BudgetMs);

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

    /// <summary>The spec as written (null when the JSON could not be read): what the portal stores for a valid one.</summary>
    public KernelSpec? Document { get; init; }

    /// <summary>All problems on one line, for an invalid_spec result.</summary>
    public string Message => string.Join("; ", Problems);
}
