using Portal.Kernels.Expressions;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Spec;

/// <summary>
/// Checks the launch shape a language needs, parses every expression and evaluates it for every case, so
/// that a launch that divides by zero or comes out non-positive is an invalid spec, never a device error.
/// </summary>
internal static class LaunchValidation
{
    private enum ValueKind
    {
        Dimension,
        Bytes,
        Warps,
        Constexpr,
    }

    /// <param name="Read">The field's values in a spec; a single value reads as a one-element list.</param>
    private sealed record Field(string Name, bool IsList, ValueKind Kind, Func<LaunchSpec, IReadOnlyList<LaunchValue>?> Read);

    private static readonly Field Global = new("global", true, ValueKind.Dimension, l => l.Global);
    private static readonly Field Local = new("local", true, ValueKind.Dimension, l => l.Local);
    private static readonly Field Grid = new("grid", true, ValueKind.Dimension, l => l.Grid);
    private static readonly Field Block = new("block", true, ValueKind.Dimension, l => l.Block);
    private static readonly Field SharedBytes = new("sharedBytes", false, ValueKind.Bytes, l => l.SharedBytes is { } v ? [v] : null);
    private static readonly Field NumWarps = new("numWarps", false, ValueKind.Warps, l => l.NumWarps is { } v ? [v] : null);
    private static readonly Field[] AllFields = [Global, Local, Grid, Block, SharedBytes, NumWarps];

    private static (Field[] Required, Field[] Optional, bool Constexprs) Shape(KernelLanguage language) => language switch
    {
        KernelLanguage.OpenClC => ([Global], [Local], false),
        KernelLanguage.CudaC => ([Grid, Block], [SharedBytes], false),
        KernelLanguage.Triton => ([Grid], [NumWarps], true),
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, null),
    };

    public static ValidatedLaunch? Resolve(LaunchSpec? launch, KernelLanguage language, OpDefinition op,
        IReadOnlyList<CaseParams> cases, KernelLimits limits, Action<string, string> problem)
    {
        var (required, optional, constexprsAllowed) = Shape(language);
        var shape = string.Join(", ", required.Select(f => f.Name).Concat(optional.Select(f => $"[{f.Name}]"))
            .Concat(constexprsAllowed ? ["[constexprs]"] : []));
        if (launch is null)
        {
            problem("launch", $"missing; {language.Name()} needs {shape}");
            return null;
        }
        var problems = new ProblemLog(problem);
        var parsed = new Dictionary<Field, IReadOnlyList<LaunchExpression>>();
        foreach (var field in AllFields)
        {
            var values = field.Read(launch);
            var path = $"launch.{field.Name}";
            if (values is null)
            {
                if (required.Contains(field))
                    problems.Report(path, $"missing; {language.Name()} needs {shape}");
                continue;
            }
            if (!required.Contains(field) && !optional.Contains(field))
            {
                problems.Report(path, $"not used by {language.Name()}, which takes {shape}");
                continue;
            }
            if (field.IsList && (values.Count < 1 || values.Count > 3))
            {
                problems.Report(path, $"has {values.Count} dimensions; give 1 to 3");
                continue;
            }
            parsed[field] = Parse(values, path, field.IsList, op, problems);
        }
        var constexprs = ParseConstexprs(launch.Constexprs, constexprsAllowed, language, shape, op, problems);

        if (!problems.Any && parsed.TryGetValue(Global, out var global) && parsed.TryGetValue(Local, out var local)
            && local.Count != global.Count)
            problems.Report("launch.local", $"has {local.Count} dimensions but launch.global has {global.Count}");
        if (problems.Any)
            return null;

        var result = new ValidatedLaunch(parsed.GetValueOrDefault(Global), parsed.GetValueOrDefault(Local),
            parsed.GetValueOrDefault(Grid), parsed.GetValueOrDefault(Block),
            parsed.GetValueOrDefault(SharedBytes)?[0], parsed.GetValueOrDefault(NumWarps)?[0], constexprs);
        foreach (var (field, expressions) in parsed)
            CheckEvaluations(field, expressions, cases, limits, problems);
        if (constexprs is not null)
            foreach (var (name, expression) in constexprs)
                CheckEvaluations(new Field($"constexprs.{name}", false, ValueKind.Constexpr, _ => null), [expression], cases, limits, problems);
        if (!problems.Any && language == KernelLanguage.OpenClC && result.Local is not null)
            CheckLocalDividesGlobal(result, cases, problems);
        return problems.Any ? null : result;
    }

    private static IReadOnlyDictionary<string, LaunchExpression>? ParseConstexprs(
        IReadOnlyDictionary<string, LaunchValue>? constexprs, bool allowed, KernelLanguage language, string shape,
        OpDefinition op, ProblemLog problems)
    {
        if (constexprs is null)
            return null;
        if (!allowed)
        {
            problems.Report("launch.constexprs", $"not used by {language.Name()}, which takes {shape}");
            return null;
        }
        var parsed = new Dictionary<string, LaunchExpression>(StringComparer.Ordinal);
        foreach (var (name, value) in constexprs)
        {
            if (Parse([value], $"launch.constexprs.{name}", false, op, problems) is [var expression])
                parsed[name] = expression;
        }
        return parsed;
    }

    private static IReadOnlyList<LaunchExpression> Parse(IReadOnlyList<LaunchValue> values, string path, bool isList,
        OpDefinition op, ProblemLog problems)
    {
        var parsed = new List<LaunchExpression>();
        for (var i = 0; i < values.Count; i++)
        {
            var field = isList ? $"{path}[{i}]" : path;
            try
            {
                var expression = LaunchExpression.Parse(values[i].Text);
                foreach (var name in expression.Names)
                {
                    var param = op.FindParam(name);
                    if (param?.Kind == ParamKind.Float)
                        problems.Report(field, $"'{name}' is a float param; launch expressions use int params only");
                    else if (param is null)
                        problems.Report(field, $"unknown name '{name}' in '{expression.Text}'; {op.Name}'s int params are " +
                            string.Join(", ", op.Params.Where(p => p.Kind == ParamKind.Int).Select(p => p.Name)));
                }
                parsed.Add(expression);
            }
            catch (LaunchExpressionException e)
            {
                problems.Report(field, $"'{values[i].Text}' does not parse: {e.Message}");
            }
        }
        return parsed;
    }

    /// <summary>One problem per expression at most (its first failing case), so the message stays readable.</summary>
    private static void CheckEvaluations(Field field, IReadOnlyList<LaunchExpression> expressions,
        IReadOnlyList<CaseParams> cases, KernelLimits limits, ProblemLog problems)
    {
        for (var d = 0; d < expressions.Count; d++)
        {
            var path = field.IsList ? $"launch.{field.Name}[{d}]" : $"launch.{field.Name}";
            for (var c = 0; c < cases.Count; c++)
            {
                var where = $"in cases[{c}] ({cases[c]})";
                string? message;
                try
                {
                    var value = expressions[d].Evaluate(cases[c].Ints);
                    message = CheckValue(field.Kind, value, limits) is { } rule ? $"is {value} {where}; {rule}" : null;
                }
                catch (LaunchExpressionException e)
                {
                    message = $"{e.Message} {where}";
                }
                if (message is null)
                    continue;
                problems.Report(path, $"'{expressions[d].Text}' {message}");
                break;
            }
        }
    }

    private static string? CheckValue(ValueKind kind, long value, KernelLimits limits) => kind switch
    {
        ValueKind.Dimension or ValueKind.Warps when value <= 0 => "it must be positive",
        ValueKind.Dimension when value > limits.MaxLaunchDimension => $"the most is {limits.MaxLaunchDimension}",
        ValueKind.Warps when (value & (value - 1)) != 0 || value > 32 => "it must be a power of two up to 32",
        ValueKind.Bytes when value < 0 => "it must not be negative",
        ValueKind.Bytes when value > int.MaxValue => $"the most is {int.MaxValue}",
        _ => null,
    };

    /// <summary>OpenCL 1.2 refuses a global size that is not a multiple of the local size.</summary>
    private static void CheckLocalDividesGlobal(ValidatedLaunch launch, IReadOnlyList<CaseParams> cases, ProblemLog problems)
    {
        for (var c = 0; c < cases.Count; c++)
        {
            var dims = launch.Evaluate(cases[c]);
            for (var d = 0; d < dims.Global!.Count; d++)
            {
                if (dims.Global[d] % dims.Local![d] == 0)
                    continue;
                problems.Report($"launch.global[{d}]", $"{dims.Global[d]} is not a multiple of launch.local[{d}] = " +
                    $"{dims.Local[d]} in cases[{c}] ({cases[c]}); OpenCL 1.2 requires it, e.g. ceil_div(n, 256) * 256");
                return;
            }
        }
    }

    private sealed class ProblemLog(Action<string, string> problem)
    {
        public bool Any { get; private set; }

        public void Report(string field, string message)
        {
            Any = true;
            problem(field, message);
        }
    }
}
