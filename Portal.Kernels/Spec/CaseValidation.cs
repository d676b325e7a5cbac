using System.Globalization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Spec;

/// <summary>
/// Resolves a spec's cases: omitted cases take the op's default cases, omitted params the op's defaults.
/// An explicitly empty list is a mistake rather than a request for defaults, so it is refused.
/// </summary>
internal static class CaseValidation
{
    public static IReadOnlyList<CaseParams>? Resolve(
        IReadOnlyList<CaseSpec>? cases, OpDefinition op, KernelLimits limits,
        Action<string, string> problem)
    {
        cases ??= [.. op.DefaultCases.Select(c => new CaseSpec(c))];
        if (cases.Count == 0)
        {
            problem("cases", "the list is empty; omit the field to use the op's default cases");
            return null;
        }
        if (cases.Count > limits.MaxCases)
        {
            problem("cases", $"{cases.Count} cases; at most {limits.MaxCases}");
            return null;
        }
        var resolved = new List<CaseParams>();
        for (var i = 0; i < cases.Count; i++)
        {
            if (ResolveOne(cases[i], $"cases[{i}]", op, limits, problem) is { } parameters)
                resolved.Add(parameters);
        }
        return resolved.Count == cases.Count ? resolved : null;
    }

    private static CaseParams? ResolveOne(CaseSpec? spec, string field, OpDefinition op,
        KernelLimits limits, Action<string, string> problem)
    {
        var paramNames = string.Join(", ", op.Params.Select(p => p.Name));
        if (spec is null)
        {
            problem(field, $"null; give an object of {op.Name}'s params: {paramNames}");
            return null;
        }
        var values = spec.Params;
        var valid = true;
        if (spec.Distribution is { } distribution && !op.DistributionNames.Contains(distribution, StringComparer.Ordinal))
        {
            problem($"{field}.{CaseSpec.DistributionField}",
                $"unknown distribution; {op.Name} has {string.Join(", ", op.DistributionNames)}");
            valid = false;
        }
        foreach (var name in values.Keys.Where(k => op.FindParam(k) is null))
        {
            problem($"{field}.{name}", $"unknown param; {op.Name} has {paramNames}");
            valid = false;
        }
        var merged = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var param in op.Params)
        {
            if (!values.TryGetValue(param.Name, out var value))
            {
                if (param.Default is null)
                {
                    problem($"{field}.{param.Name}", $"missing; every {op.Name} case sets {paramNames}");
                    valid = false;
                    continue;
                }
                value = param.Default.Value;
            }
            if (CheckValue(param, value) is { } message)
            {
                problem($"{field}.{param.Name}", message);
                valid = false;
            }
            merged[param.Name] = value;
        }
        if (!valid)
            return null;
        var parameters = new CaseParams(op, merged, spec.Distribution);
        return CheckBuffers(parameters, field, op, limits, problem) ? parameters : null;
    }

    private static string? CheckValue(ParamDefinition param, double value) => param.Kind switch
    {
        ParamKind.Int when value != Math.Floor(value) || !double.IsFinite(value) =>
            $"{KernelSpecValidator.Format(value)} is not an integer",
        ParamKind.Int when param.IsFlag && value is not (0 or 1) => $"{KernelSpecValidator.Format(value)} is not 0 or 1",
        ParamKind.Int when value < param.Minimum => param.Minimum == 1
            ? $"{KernelSpecValidator.Format(value)} is not positive; sizes start at 1"
            : $"{KernelSpecValidator.Format(value)} is below {param.Minimum}, the least {param.Name} allowed",
        ParamKind.Int when value > int.MaxValue => $"{KernelSpecValidator.Format(value)} does not fit a 32-bit int",
        ParamKind.Int when value > param.Maximum => $"{KernelSpecValidator.Format(value)} is above {param.Maximum}, the most {param.Name} allowed",
        ParamKind.Int when value % param.MultipleOf != 0 => $"{KernelSpecValidator.Format(value)} is not a multiple of {param.MultipleOf}",
        ParamKind.Float when !double.IsFinite(value) || Math.Abs(value) > float.MaxValue =>
            $"{KernelSpecValidator.Format(value)} is not a finite float32",
        _ => null,
    };

    /// <summary>Buffer sizes are summed in double: a product of two int params times four can pass 2^63.</summary>
    private static bool CheckBuffers(CaseParams parameters, string field, OpDefinition op, KernelLimits limits,
        Action<string, string> problem)
    {
        var totalBytes = op.Buffers.Sum(b => (double)b.Length(parameters) * b.Type.SizeInBytes());
        if (totalBytes > limits.MaxCaseBufferBytes)
        {
            problem(field, $"buffers need {Bytes(totalBytes)} ({parameters}); the limit is {Bytes(limits.MaxCaseBufferBytes)}");
            return false;
        }
        // Only reachable with a raised byte limit: host arrays hold at most Array.MaxLength elements.
        var tooLong = op.Buffers.FirstOrDefault(b => b.Length(parameters) > Array.MaxLength);
        if (tooLong is null)
            return true;
        problem(field, $"buffer {tooLong.Name} needs {tooLong.Length(parameters)} elements; at most {Array.MaxLength}");
        return false;
    }

    private static string Bytes(double bytes) => bytes >= 1 << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):0.##} MiB");
}
