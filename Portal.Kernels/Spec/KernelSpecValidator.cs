using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Spec;

/// <summary>
/// Checks a submitted spec against the op catalog and the limits and applies the op's defaults. Every
/// problem is reported, each naming its field, so one round trip fixes them all.
/// </summary>
public static partial class KernelSpecValidator
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    public static SpecValidation Validate(KernelSpec spec, KernelLimits? limits = null)
    {
        limits ??= KernelLimits.Default;
        var problems = new List<SpecProblem>();
        void Problem(string field, string message) => problems.Add(new SpecProblem(field, message));

        var op = ResolveOp(spec, limits, Problem);

        var language = KernelLanguages.Parse(spec.Language);
        if (language is null)
            Problem("language", spec.Language is null
                ? $"missing; one of {string.Join(", ", KernelLanguages.Names)}"
                : $"unknown language '{spec.Language}'; one of {string.Join(", ", KernelLanguages.Names)}");

        if (string.IsNullOrEmpty(spec.Entry))
            Problem("entry", "missing; name the kernel function");
        else if (!Identifier().IsMatch(spec.Entry))
            Problem("entry", $"'{spec.Entry}' is not an identifier");

        CheckSource(spec.Source, limits, Problem);
        if (op is not null)
            CheckArgs(spec.Args, op, Problem);

        if (op?.Custom is not null && spec.Cases is null)
            foreach (var (param, index) in op.Params.Select((p, i) => (p, i)).Where(p => p.p.Default is null))
                Problem($"opDefinition.params[{index}].default", $"missing; the spec gives no cases, so its one default case needs a default for {param.Name}");
        var cases = op is null || (op.Custom is not null && op.DefaultCases.Count == 0 && spec.Cases is null)
            ? null
            : CaseValidation.Resolve(spec.Cases, op, limits, Problem);
        if (op is not null && cases is not null)
            CustomOps.CheckCases(op, cases, limits, Problem);
        var launch = op is null || language is null
            ? null
            : LaunchValidation.Resolve(spec.Launch, language.Value, op, cases ?? [], limits, Problem);

        var types = op is null ? null : ResolveTypes(spec.Dtype, spec.Dtypes, op, Problem);
        var maxRtol = op is null ? 0.1 : op.Outputs.Select(b => DtypeTolerances.MaxRtol(TypeOf(b, types))).DefaultIfEmpty(0.1).Max();
        var tolerance = op is null ? null : ResolveTolerance(spec.Tolerance, op.DefaultTolerance, maxRtol, Problem);
        var timing = ResolveTiming(spec.Timing, limits, Problem);
        var timeout = spec.TimeoutSeconds ?? limits.DefaultTimeoutSeconds;
        if (timeout < limits.MinTimeoutSeconds || timeout > limits.MaxTimeoutSeconds)
            Problem("timeoutSeconds", $"{timeout} is outside {limits.MinTimeoutSeconds}–{limits.MaxTimeoutSeconds}");

        if (problems.Count > 0)
            return new SpecValidation(null, problems) { Document = spec };
        return new SpecValidation(
            new ValidatedSpec(op!, language!.Value, spec.Entry!, spec.Source!, spec.Args!, launch!, cases!, tolerance!,
                spec.Seed ?? limits.DefaultSeed, timing!, timeout)
            {
                BufferTypes = types!,
                RequestedTolerance = spec.Tolerance,
                Dtype = ElementTypes.ParseDtype(spec.Dtype ?? "f32") ?? ElementType.Float32,
            },
            problems) { Document = spec };
    }

    /// <summary>A catalog op by name, or with <c>"op": "custom"</c> the op its <c>opDefinition</c> defines.</summary>
    private static OpDefinition? ResolveOp(KernelSpec spec, KernelLimits limits, Action<string, string> problem)
    {
        var names = string.Join(", ", OpCatalog.Names.Append(CustomOps.OpName));
        if (spec.Op == CustomOps.OpName)
            return CustomOps.Validate(spec.OpDefinition, limits, problem);
        if (spec.OpDefinition is not null)
            problem("opDefinition", spec.Op is null
                ? "given without \"op\": \"custom\"; set op to custom to use it"
                : $"only \"op\": \"custom\" takes an opDefinition; {spec.Op} is defined by the catalog");
        if (spec.Op is null)
        {
            problem("op", $"missing; one of {names}");
            return null;
        }
        var op = OpCatalog.Find(spec.Op);
        if (op is null)
            problem("op", $"unknown op '{spec.Op}'; one of {names}");
        return op;
    }

    private static void CheckSource(string? source, KernelLimits limits, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            problem("source", "missing; give the kernel's source code");
            return;
        }
        var bytes = Encoding.UTF8.GetByteCount(source);
        if (bytes > limits.MaxSourceBytes)
            problem("source", $"{bytes} bytes; the limit is {limits.MaxSourceBytes} bytes");
    }

    private static void CheckArgs(IReadOnlyList<string>? args, OpDefinition op, Action<string, string> problem)
    {
        var expected = string.Join(", ", op.ArgumentNames);
        if (args is null)
        {
            problem("args", $"missing; list the kernel's parameters in its order, each once: {expected}");
            return;
        }
        var known = op.ArgumentNames.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!known.Contains(args[i]))
                problem($"args[{i}]", $"unknown name '{args[i]}'; {op.Name} has {expected}");
            else if (!seen.Add(args[i]))
                problem($"args[{i}]", $"'{args[i]}' is listed twice");
        }
        foreach (var name in op.ArgumentNames.Where(n => !seen.Contains(n)))
            problem("args", $"'{name}' is missing; {op.Name}'s kernels take {expected}, in any order");
    }

    private static ElementType TypeOf(BufferDefinition buffer, IReadOnlyDictionary<string, ElementType>? types) =>
        types is not null && types.TryGetValue(buffer.Name, out var type) ? type : buffer.Type;

    /// <summary>
    /// The storage type of each float buffer the spec changes: <c>dtypes</c> for that buffer, else <c>dtype</c>. Int32
    /// buffers (ids, counts) have no dtype.
    /// </summary>
    private static Dictionary<string, ElementType> ResolveTypes(string? dtype, IReadOnlyDictionary<string, string>? dtypes,
        OpDefinition op, Action<string, string> problem)
    {
        var names = string.Join(", ", ElementTypes.DtypeNames);
        var floats = op.Buffers.Where(b => b.Type.IsFloat()).ToList();
        var all = ElementTypes.ParseDtype(dtype ?? "f32");
        if (all is null)
            problem("dtype", $"unknown dtype '{dtype}'; one of {names}");
        else if (dtype is not null && floats.Count == 0)
            problem("dtype", $"{op.Name} has no float buffers, so it takes no dtype");
        var types = new Dictionary<string, ElementType>(StringComparer.Ordinal);
        // Without a dtype every float buffer keeps the op's own type (a custom op's definition may give bf16 inputs).
        foreach (var buffer in floats)
            types[buffer.Name] = dtype is null ? buffer.Type : all ?? buffer.Type;
        foreach (var (name, value) in dtypes ?? new Dictionary<string, string>())
        {
            var buffer = op.FindBuffer(name);
            if (buffer is null)
                problem($"dtypes.{name}", $"{op.Name} has no buffer '{name}'; its float buffers are {string.Join(", ", floats.Select(b => b.Name))}");
            else if (!buffer.Type.IsFloat())
                problem($"dtypes.{name}", $"{name} is an {buffer.Type.Name()} buffer, which has no dtype");
            else if (ElementTypes.ParseDtype(value) is { } type)
                types[name] = type;
            else
                problem($"dtypes.{name}", $"unknown dtype '{value}'; one of {names}");
        }
        return types;
    }

    private static Tolerance? ResolveTolerance(ToleranceSpec? spec, Tolerance defaults, double maxRtol, Action<string, string> problem)
    {
        var atol = spec?.Atol ?? defaults.Atol;
        var rtol = spec?.Rtol ?? defaults.Rtol;
        if (!double.IsFinite(atol) || atol < 0)
            problem("tolerance.atol", $"{Format(atol)} must be a finite number ≥ 0");
        // With rtol ≥ 0.1 no reference value is ten times its own tolerance, so zeros could pass (fp8 outputs: twice, 0.3).
        if (!double.IsFinite(rtol) || rtol < 0 || rtol >= maxRtol)
            problem("tolerance.rtol", $"{Format(rtol)} must be ≥ 0 and below {Format(maxRtol)}, or a kernel writing zeros could pass");
        return new Tolerance(atol, rtol);
    }

    private static TimingPlan? ResolveTiming(TimingSpec? spec, KernelLimits limits, Action<string, string> problem)
    {
        var warmup = spec?.Warmup ?? limits.DefaultWarmup;
        var iterations = spec?.Iterations ?? limits.DefaultIterations;
        var maxIterations = spec?.MaxIterations ?? Math.Max(iterations, limits.DefaultMaxIterations);
        var budgetMs = spec?.BudgetMs ?? limits.DefaultTimingBudgetMs;
        var valid = true;
        if (warmup < 0 || warmup > limits.MaxWarmup)
        {
            problem("timing.warmup", $"{warmup} is outside 0–{limits.MaxWarmup}");
            valid = false;
        }
        if (iterations < 1 || iterations > limits.MaxIterations)
        {
            problem("timing.iterations", $"{iterations} is outside 1–{limits.MaxIterations}");
            valid = false;
        }
        else if (maxIterations < iterations || maxIterations > limits.MaxIterations)
        {
            problem("timing.maxIterations", $"{maxIterations} is outside {iterations}–{limits.MaxIterations}");
            valid = false;
        }
        if (budgetMs < 1 || budgetMs > limits.MaxTimingBudgetMs)
        {
            problem("timing.budgetMs", $"{budgetMs} is outside 1–{limits.MaxTimingBudgetMs}");
            valid = false;
        }
        return valid ? new TimingPlan(warmup, iterations, maxIterations, budgetMs) : null;
    }

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
