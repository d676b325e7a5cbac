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

        var op = spec.Op is null ? null : OpCatalog.Find(spec.Op);
        if (spec.Op is null)
            Problem("op", $"missing; one of {string.Join(", ", OpCatalog.Names)}");
        else if (op is null)
            Problem("op", $"unknown op '{spec.Op}'; one of {string.Join(", ", OpCatalog.Names)}");

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

        var cases = op is null ? null : CaseValidation.Resolve(spec.Cases, op, limits, Problem);
        var launch = op is null || language is null
            ? null
            : LaunchValidation.Resolve(spec.Launch, language.Value, op, cases ?? [], limits, Problem);

        var tolerance = op is null ? null : ResolveTolerance(spec.Tolerance, op.DefaultTolerance, Problem);
        var timing = ResolveTiming(spec.Timing, limits, Problem);
        var timeout = spec.TimeoutSeconds ?? limits.DefaultTimeoutSeconds;
        if (timeout < limits.MinTimeoutSeconds || timeout > limits.MaxTimeoutSeconds)
            Problem("timeoutSeconds", $"{timeout} is outside {limits.MinTimeoutSeconds}–{limits.MaxTimeoutSeconds}");

        if (problems.Count > 0)
            return new SpecValidation(null, problems);
        return new SpecValidation(
            new ValidatedSpec(op!, language!.Value, spec.Entry!, spec.Source!, spec.Args!, launch!, cases!, tolerance!,
                spec.Seed ?? limits.DefaultSeed, timing!, timeout),
            problems);
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

    private static Tolerance? ResolveTolerance(ToleranceSpec? spec, Tolerance defaults, Action<string, string> problem)
    {
        var atol = spec?.Atol ?? defaults.Atol;
        var rtol = spec?.Rtol ?? defaults.Rtol;
        if (!double.IsFinite(atol) || atol < 0)
            problem("tolerance.atol", $"{Format(atol)} must be a finite number ≥ 0");
        // With rtol ≥ 0.1 no reference value is ten times its own tolerance, so zeros could pass.
        if (!double.IsFinite(rtol) || rtol < 0 || rtol >= 0.1)
            problem("tolerance.rtol", $"{Format(rtol)} must be ≥ 0 and below 0.1, or a kernel writing zeros could pass");
        return new Tolerance(atol, rtol);
    }

    private static TimingPlan? ResolveTiming(TimingSpec? spec, KernelLimits limits, Action<string, string> problem)
    {
        var warmup = spec?.Warmup ?? limits.DefaultWarmup;
        var iterations = spec?.Iterations ?? limits.DefaultIterations;
        var maxIterations = spec?.MaxIterations ?? Math.Max(iterations, limits.DefaultMaxIterations);
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
        return valid ? new TimingPlan(warmup, iterations, maxIterations) : null;
    }

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
