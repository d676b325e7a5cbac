using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;

namespace Portal.Kernels.Ops;

public enum ParamKind
{
    /// <summary>A size; passed to kernels as a 32-bit int and usable in launch expressions.</summary>
    Int,

    /// <summary>Passed to kernels as a 32-bit float.</summary>
    Float,
}

public enum BufferRole
{
    Input,
    Output,
}

/// <param name="Default">The value a case gets when it omits the param; null for sizes, which every default case sets.</param>
/// <param name="Minimum">The least value of an int param: 1 for sizes, 0 for a flag such as attention's causal.</param>
/// <param name="Maximum">The greatest value of an int param: 1 for a flag.</param>
/// <param name="MultipleOf">An int param must be a multiple of it (2 for rope's dim, whose elements come in pairs).</param>
public sealed record ParamDefinition(string Name, ParamKind Kind, double? Default = null,
    long Minimum = 1, long Maximum = int.MaxValue, long MultipleOf = 1)
{
    /// <summary>An int param that is 0 or 1 (a switch, not a size).</summary>
    public bool IsFlag => Kind == ParamKind.Int && Minimum == 0 && Maximum == 1;
}

/// <summary>Absolute and relative tolerance: an element is wrong when |actual − expected| &gt; atol + rtol·|expected|.</summary>
public sealed record Tolerance(double Atol, double Rtol);

/// <summary>One of an op's buffers.</summary>
/// <param name="LengthFormula">The length as people read it, e.g. "rows·cols".</param>
/// <param name="Length">The length for a case.</param>
/// <param name="Distribution">How inputs are drawn for a case; null for outputs.</param>
public sealed record BufferDefinition(
    string Name,
    ElementType Type,
    BufferRole Role,
    string LengthFormula,
    Func<CaseParams, long> Length,
    Func<CaseParams, Distribution>? Distribution)
{
    public static BufferDefinition Input(string name, ElementType type, string lengthFormula,
        Func<CaseParams, long> length, Func<CaseParams, Distribution> distribution) =>
        new(name, type, BufferRole.Input, lengthFormula, length, distribution);

    public static BufferDefinition Output(string name, ElementType type, string lengthFormula, Func<CaseParams, long> length) =>
        new(name, type, BufferRole.Output, lengthFormula, length, null);

    /// <summary>A custom op's length expression (what <see cref="CustomOps.CheckCases"/> evaluates per case); null for catalog ops.</summary>
    internal Expressions.LaunchExpression? CustomLength { get; init; }

    /// <summary>A custom op's <c>ids:&lt;expr&gt;</c> bound, checked per case like the length; null otherwise.</summary>
    internal Expressions.LaunchExpression? CustomIdsBound { get; init; }
}

/// <summary>
/// A named alternative to an op's default inputs, chosen per case (<c>"distribution": "large"</c>): it replaces the
/// distribution of the input buffers it names; the others keep theirs. Each one still satisfies the reference check
/// (a kernel writing zeros fails) and stays fair to a correct float32 kernel at the op's default tolerance.
/// </summary>
/// <param name="Purpose">What it is there to catch, for documentation and messages.</param>
public sealed record AdversarialInputs(string Name, string Purpose, IReadOnlyDictionary<string, Func<CaseParams, Distribution>> Buffers);

internal static class Adversarial
{
    public static AdversarialInputs Of(string name, string purpose, params (string Buffer, Distribution Distribution)[] buffers) =>
        new(name, purpose, buffers.ToDictionary(b => b.Buffer, b => (Func<CaseParams, Distribution>)(_ => b.Distribution), StringComparer.Ordinal));

    public static AdversarialInputs Of(string name, string purpose, params (string Buffer, Func<CaseParams, Distribution> Distribution)[] buffers) =>
        new(name, purpose, buffers.ToDictionary(b => b.Buffer, b => b.Distribution, StringComparer.Ordinal));
}

/// <summary>
/// Computes the op's outputs in double precision from the inputs as the kernel gets them (already rounded to their
/// storage dtype; read them with <see cref="HostBuffer.ToDoubles"/> or the indexer): one array per output buffer,
/// keyed by buffer name.
/// </summary>
public delegate IReadOnlyDictionary<string, double[]> ReferenceFunction(
    CaseParams parameters, IReadOnlyDictionary<string, HostBuffer> inputs);

internal static class ReferenceOutput
{
    public static IReadOnlyDictionary<string, double[]> Of(string name, double[] values) =>
        new Dictionary<string, double[]>(StringComparer.Ordinal) { [name] = values };
}

/// <summary>An op of the catalog: what a kernel must compute and how the engine checks and rates it.</summary>
/// <param name="DefaultCases">Each sets the op's int params; the last one is the large, timed case.</param>
/// <param name="BytesMoved">The minimum bytes a kernel must read and write, for GB/s.</param>
/// <param name="Flops">Floating-point operations by the op's formula, for GFLOP/s; null where the op does no arithmetic.</param>
/// <param name="ReductionLength">How many terms one output element sums (k for matmul, cols for row ops); widens the
/// default tolerances of narrow dtypes (<see cref="DtypeTolerances"/>). Null: one.</param>
/// <param name="DtypeTolerance">The op's own default tolerance for an output of a narrow dtype in a case, where the
/// generic table of <see cref="DtypeTolerances"/> does not fit it; null: the table.</param>
public sealed record OpDefinition(
    string Name,
    string Semantics,
    IReadOnlyList<ParamDefinition> Params,
    IReadOnlyList<BufferDefinition> Buffers,
    Tolerance DefaultTolerance,
    IReadOnlyList<IReadOnlyDictionary<string, double>> DefaultCases,
    ReferenceFunction Reference,
    Func<CaseParams, double> BytesMoved,
    Func<CaseParams, double>? Flops,
    IReadOnlyList<AdversarialInputs>? Adversarial = null,
    Func<CaseParams, long>? ReductionLength = null,
    Func<ElementType, CaseParams, Tolerance?>? DtypeTolerance = null)
{
    /// <summary>For <c>"op": "custom"</c>: the definition's OpenCL C reference and hash; null for catalog ops, whose
    /// <see cref="Reference"/> is C#.</summary>
    public CustomReference? Custom { get; init; }

    /// <summary>The name of each op's own distribution, the one its buffers define.</summary>
    public const string DefaultDistribution = "default";

    /// <summary>"default" and the op's adversarial distributions: what a case's <c>distribution</c> may name.</summary>
    public IEnumerable<string> DistributionNames => [DefaultDistribution, .. (Adversarial ?? []).Select(a => a.Name)];

    /// <summary>The distribution an input buffer is drawn from in a case.</summary>
    public Distribution DistributionOf(BufferDefinition input, CaseParams parameters) =>
        (Adversarial?.FirstOrDefault(a => a.Name == parameters.Distribution)?.Buffers.GetValueOrDefault(input.Name) ?? input.Distribution!)(parameters);

    public IEnumerable<BufferDefinition> Inputs => Buffers.Where(b => b.Role == BufferRole.Input);

    public IEnumerable<BufferDefinition> Outputs => Buffers.Where(b => b.Role == BufferRole.Output);

    /// <summary>
    /// FLOP per byte at or above which an op is compute-bound: its rate is read in GFLOP/s against the datasheet's TFLOP/s, not
    /// in GB/s against the memory bandwidth. Far above every streaming and row op (at most ~2), far below matmul, conv2d and
    /// attention at their timed sizes (hundreds); a GPU's ridge point (peak FLOP/s ÷ bandwidth) lies between.
    /// </summary>
    public const double ComputeBoundFlopPerByte = 16;

    /// <summary>
    /// Whether the op's own formulas make it compute-bound at its timed default case (<see cref="Flops"/> ÷ <see cref="BytesMoved"/>
    /// at float32, the least intense dtype, ≥ <see cref="ComputeBoundFlopPerByte"/>). Ops without a FLOP formula (custom ops,
    /// transpose, histogram) are bandwidth-bound.
    /// </summary>
    public bool ComputeBound => Intensity() >= ComputeBoundFlopPerByte;

    /// <summary>FLOP per byte of the last default case (the timed one); 0 without a FLOP formula or a default case.</summary>
    public double Intensity()
    {
        if (Flops is null || DefaultCases.Count == 0)
            return 0;
        var values = Params.ToDictionary(p => p.Name, p => DefaultCases[^1].TryGetValue(p.Name, out var v) ? v : p.Default ?? 0, StringComparer.Ordinal);
        var parameters = new CaseParams(this, values);
        var bytes = BytesMoved(parameters);
        return bytes > 0 ? Flops(parameters) / bytes : 0;
    }

    /// <summary>Buffer and param names: exactly what a spec's args must list, each once.</summary>
    public IEnumerable<string> ArgumentNames => Buffers.Select(b => b.Name).Concat(Params.Select(p => p.Name));

    public ParamDefinition? FindParam(string name) => Params.FirstOrDefault(p => p.Name == name);

    public BufferDefinition? FindBuffer(string name) => Buffers.FirstOrDefault(b => b.Name == name);
}
