using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Kernels.Expressions;
using Portal.Kernels.Inputs;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Ops;

/// <summary>
/// What a custom op has that a catalog op lacks: its reference is OpenCL C over double buffers, run on the host's CPU
/// OpenCL device (<see cref="Execution.CustomReferenceRunner"/>), and a stable hash of its definition that keys the
/// reference cache and lets the portal tell definitions apart.
/// </summary>
/// <param name="Launch">The reference's launch (global [+ local]) over the op's int params.</param>
/// <param name="DefinitionHash">Lower-case hex SHA-256 of <see cref="CustomOps.CanonicalJson"/>.</param>
public sealed record CustomReference(string Entry, string Source, ValidatedLaunch Launch, LaunchSpec LaunchSpec, string DefinitionHash);

/// <summary>
/// Validates an <see cref="OpDefinitionSpec"/> (DESIGN.md "Custom ops") and turns it into the <see cref="OpDefinition"/>
/// the engine runs: int and float params with defaults, buffers with roles, dtypes, length expressions and named
/// distributions. Every problem names its field as a path ("opDefinition.buffers[1].length").
/// </summary>
public static partial class CustomOps
{
    /// <summary>The spec's <c>op</c> for a custom op.</summary>
    public const string OpName = "custom";

    public const int MaxParams = 32;
    public const int MaxBuffers = 32;
    public const int MaxNameLength = 64;

    /// <summary>Tolerance of an f32 output when the definition gives none.</summary>
    public static Tolerance DefaultTolerance { get; } = new(1e-5, 1e-5);

    /// <summary>The distribution names a float input may take; int32 inputs take <c>integers</c> or <c>ids:&lt;expr&gt;</c>.</summary>
    public static IReadOnlyList<string> DistributionNames { get; } = ["uniform", "normal", "positive", "integers", "ids:<expr>"];

    private const string Root = "opDefinition";
    private const string IdsPrefix = "ids:";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>The named distributions (docs/kernels.md "Custom ops" gives the formulas).</summary>
    public static Distribution? Named(string name) => name switch
    {
        "uniform" => new UniformReals(-1, 1),
        "normal" => new ApproximatelyNormal(),
        "positive" => new UniformReals(0.5, 2),
        "integers" => new UniformIntegers(-8, 8),
        _ => null,
    };

    /// <summary>
    /// The runtime op, or null with every problem reported through <paramref name="problem"/> (field path, message).
    /// </summary>
    public static OpDefinition? Validate(OpDefinitionSpec? definition, KernelLimits limits, Action<string, string> problem)
    {
        if (definition is null)
        {
            problem(Root, "missing; \"op\": \"custom\" needs an opDefinition with name, params, buffers and reference");
            return null;
        }
        var valid = true;
        void Problem(string field, string message)
        {
            valid = false;
            problem(field, message);
        }

        CheckName(definition.Name, $"{Root}.name", Problem);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var parameters = ResolveParams(definition.Params, names, Problem);
        var buffers = ResolveBuffers(definition.Buffers, parameters, names, Problem);
        var tolerance = ResolveTolerance(definition.Tolerance, Problem);
        var reference = definition.Reference;
        if (reference is null)
            Problem($"{Root}.reference", "missing; give entry, launch and source of an OpenCL C kernel over double buffers");
        else
        {
            CheckName(reference.Entry, $"{Root}.reference.entry", Problem);
            if (string.IsNullOrWhiteSpace(reference.Source))
                Problem($"{Root}.reference.source", "missing; give the reference's OpenCL C source");
            else if (Encoding.UTF8.GetByteCount(reference.Source) is var bytes && bytes > limits.MaxSourceBytes)
                Problem($"{Root}.reference.source", $"{bytes} bytes; the limit is {limits.MaxSourceBytes} bytes");
        }
        if (!valid)
            return null;

        var op = Build(definition.Name!, parameters, buffers, tolerance, reference!.Entry!);
        // Parsed here (names checked against the params); evaluated for each case by CheckCases.
        var launch = LaunchValidation.Resolve(reference.Launch, KernelLanguage.OpenClC, op, [], limits,
            (field, message) => Problem($"{Root}.reference.{field}", message));
        if (!valid || launch is null)
            return null;
        var canonical = CanonicalJson(definition, parameters, buffers, tolerance);
        return op with
        {
            Custom = new CustomReference(reference.Entry!, reference.Source!, launch, reference.Launch!, Hash(canonical)),
        };
    }

    /// <summary>The definition hash of a valid definition (what <see cref="CustomReference.DefinitionHash"/> holds), else null.</summary>
    public static string? DefinitionHash(OpDefinitionSpec? definition) =>
        Validate(definition, KernelLimits.Default, (_, _) => { })?.Custom?.DefinitionHash;

    /// <summary>
    /// The checks that need the spec's cases: every length and <c>ids:</c> bound is at least 1, and the reference's
    /// launch evaluates for each case. Call after the cases are resolved.
    /// </summary>
    public static void CheckCases(OpDefinition op, IReadOnlyList<CaseParams> cases, KernelLimits limits, Action<string, string> problem)
    {
        if (op.Custom is not { } custom)
            return;
        foreach (var (buffer, index) in op.Buffers.Select((b, i) => (b, i)))
        {
            var checks = new List<(string Field, LaunchExpression Expression)> { ($"{Root}.buffers[{index}].length", LengthExpression(buffer)) };
            if (IdsBound(buffer) is { } bound)
                checks.Add(($"{Root}.buffers[{index}].distribution", bound));
            foreach (var (field, expression) in checks)
            {
                for (var c = 0; c < cases.Count; c++)
                {
                    string? message;
                    try
                    {
                        var value = expression.Evaluate(cases[c].Ints);
                        message = value < 1 ? $"is {value}" : value > Array.MaxLength ? $"is {value}, more than {Array.MaxLength}" : null;
                    }
                    catch (LaunchExpressionException e)
                    {
                        message = e.Message;
                    }
                    if (message is null)
                        continue;
                    problem(field, $"'{expression.Text}' {message} in cases[{c}] ({cases[c]}); it must be at least 1");
                    break;
                }
            }
        }
        LaunchValidation.Resolve(custom.LaunchSpec, KernelLanguage.OpenClC, op, cases, limits,
            (field, message) => problem($"{Root}.reference.{field}", message));
    }

    /// <summary>
    /// The definition with every default applied, as compact JSON with a fixed member order: the same definition gives
    /// the same text (and hash) however its JSON was spaced, ordered or abbreviated.
    /// </summary>
    private static string CanonicalJson(OpDefinitionSpec definition, IReadOnlyList<ParamDefinition> parameters,
        IReadOnlyList<(BufferDefinition Buffer, string Length, string? Distribution)> buffers, Tolerance tolerance)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("name", definition.Name);
            json.WriteStartArray("params");
            foreach (var p in parameters)
            {
                json.WriteStartObject();
                json.WriteString("name", p.Name);
                json.WriteString("type", p.Kind == ParamKind.Int ? "int" : "float");
                if (p.Default is { } value)
                    json.WriteNumber("default", value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("buffers");
            foreach (var (buffer, length, distribution) in buffers)
            {
                json.WriteStartObject();
                json.WriteString("name", buffer.Name);
                json.WriteString("role", buffer.Role == BufferRole.Input ? "input" : "output");
                json.WriteString("dtype", buffer.Type.Dtype());
                json.WriteString("length", length);
                if (distribution is not null)
                    json.WriteString("distribution", distribution);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            var reference = definition.Reference!;
            json.WriteStartObject("reference");
            json.WriteString("entry", reference.Entry);
            json.WriteStartObject("launch");
            WriteDimensions(json, "global", reference.Launch?.Global);
            WriteDimensions(json, "local", reference.Launch?.Local);
            json.WriteEndObject();
            json.WriteString("source", reference.Source);
            json.WriteEndObject();
            json.WriteStartObject("tolerance");
            json.WriteNumber("atol", tolerance.Atol);
            json.WriteNumber("rtol", tolerance.Rtol);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteDimensions(Utf8JsonWriter json, string name, IReadOnlyList<LaunchValue>? values)
    {
        if (values is null)
            return;
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value.Text.Replace(" ", "", StringComparison.Ordinal));
        json.WriteEndArray();
    }

    private static string Hash(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static void CheckName(string? name, string field, Action<string, string> problem)
    {
        if (string.IsNullOrEmpty(name))
            problem(field, "missing");
        else if (!Identifier().IsMatch(name) || name.Length > MaxNameLength)
            problem(field, $"'{name}' is not an identifier of at most {MaxNameLength} characters");
    }

    private static List<ParamDefinition> ResolveParams(IReadOnlyList<OpParamSpec>? specs, HashSet<string> names, Action<string, string> problem)
    {
        var resolved = new List<ParamDefinition>();
        specs ??= [];
        if (specs.Count > MaxParams)
        {
            problem($"{Root}.params", $"{specs.Count} params; at most {MaxParams}");
            return resolved;
        }
        for (var i = 0; i < specs.Count; i++)
        {
            var field = $"{Root}.params[{i}]";
            if (specs[i] is not { } spec)
            {
                problem(field, "null; give name, type (int or float) and default");
                continue;
            }
            var ok = true;
            void Bad(string f, string m)
            {
                ok = false;
                problem(f, m);
            }
            CheckName(spec.Name, $"{field}.name", Bad);
            if (spec.Name is not null && ok && !names.Add(spec.Name))
                Bad($"{field}.name", $"'{spec.Name}' is used twice; params and buffers need distinct names");
            ParamKind? kind = spec.Type switch { "int" => ParamKind.Int, "float" => ParamKind.Float, _ => null };
            if (kind is null)
                Bad($"{field}.type", spec.Type is null ? "missing; int or float" : $"unknown type '{spec.Type}'; int or float");
            if (spec.Default is { } value && kind is { } k && CheckDefault(k, value) is { } message)
                Bad($"{field}.default", message);
            if (ok)
                resolved.Add(new ParamDefinition(spec.Name!, kind!.Value, spec.Default));
        }
        return resolved;
    }

    private static string? CheckDefault(ParamKind kind, double value) => kind switch
    {
        ParamKind.Int when !double.IsFinite(value) || value != Math.Floor(value) => $"{Format(value)} is not an integer",
        ParamKind.Int when value < 1 || value > int.MaxValue => $"{Format(value)} is outside 1–{int.MaxValue}",
        ParamKind.Float when !double.IsFinite(value) || Math.Abs(value) > float.MaxValue => $"{Format(value)} is not a finite float32",
        _ => null,
    };

    private static List<(BufferDefinition Buffer, string Length, string? Distribution)> ResolveBuffers(
        IReadOnlyList<OpBufferSpec>? specs, IReadOnlyList<ParamDefinition> parameters, HashSet<string> names, Action<string, string> problem)
    {
        var resolved = new List<(BufferDefinition, string, string?)>();
        if (specs is null || specs.Count == 0)
        {
            problem($"{Root}.buffers", "missing; give at least one input and one output buffer");
            return resolved;
        }
        if (specs.Count > MaxBuffers)
        {
            problem($"{Root}.buffers", $"{specs.Count} buffers; at most {MaxBuffers}");
            return resolved;
        }
        var ints = parameters.Where(p => p.Kind == ParamKind.Int).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var roles = new HashSet<BufferRole>();
        for (var i = 0; i < specs.Count; i++)
        {
            var field = $"{Root}.buffers[{i}]";
            if (specs[i] is not { } spec)
            {
                problem(field, "null; give name, role, dtype, length and (for inputs) distribution");
                continue;
            }
            var ok = true;
            void Bad(string f, string m)
            {
                ok = false;
                problem(f, m);
            }
            CheckName(spec.Name, $"{field}.name", Bad);
            if (spec.Name is not null && ok && !names.Add(spec.Name))
                Bad($"{field}.name", $"'{spec.Name}' is used twice; params and buffers need distinct names");
            BufferRole? role = spec.Role switch { "input" => BufferRole.Input, "output" => BufferRole.Output, _ => null };
            if (role is null)
                Bad($"{field}.role", spec.Role is null ? "missing; input or output" : $"unknown role '{spec.Role}'; input or output");
            var type = spec.Dtype is null ? ElementType.Float32 : spec.Dtype == "int32" ? ElementType.Int32 : ElementTypes.ParseDtype(spec.Dtype);
            if (type is null)
                Bad($"{field}.dtype", $"unknown dtype '{spec.Dtype}'; one of {string.Join(", ", ElementTypes.DtypeNames)}, int32");
            var length = ParseExpression(spec.Length, $"{field}.length", ints, parameters, Bad);
            var (distribution, distributionText) = role == BufferRole.Input && type is { } t
                ? ResolveDistribution(spec.Distribution, t, $"{field}.distribution", ints, parameters, Bad)
                : (null, null);
            if (role == BufferRole.Output && spec.Distribution is not null)
                Bad($"{field}.distribution", "outputs have no distribution; they are zero-filled before every launch");
            if (!ok)
                continue;
            roles.Add(role!.Value);
            var lengthExpression = length!;
            long Length(CaseParams p) => Evaluate(lengthExpression, p);
            var buffer = role == BufferRole.Input
                ? BufferDefinition.Input(spec.Name!, type!.Value, lengthExpression.Text, Length, distribution!)
                : BufferDefinition.Output(spec.Name!, type!.Value, lengthExpression.Text, Length);
            resolved.Add((buffer with { CustomLength = lengthExpression, CustomIdsBound = IdsOf(distributionText) }, lengthExpression.Text, distributionText));
        }
        if (resolved.Count == specs.Count)
        {
            if (!roles.Contains(BufferRole.Input))
                problem($"{Root}.buffers", "no input buffer; a custom op reads at least one");
            if (!roles.Contains(BufferRole.Output))
                problem($"{Root}.buffers", "no output buffer; a custom op writes at least one");
        }
        return resolved;
    }

    /// <summary>An expression that cannot be evaluated for a case reads as length 0; <see cref="CheckCases"/> reports it.</summary>
    private static long Evaluate(LaunchExpression expression, CaseParams parameters)
    {
        try
        {
            return expression.Evaluate(parameters.Ints);
        }
        catch (LaunchExpressionException)
        {
            return 0;
        }
    }

    private static LaunchExpression? IdsOf(string? distribution) =>
        distribution is not null && distribution.StartsWith(IdsPrefix, StringComparison.Ordinal)
            ? LaunchExpression.Parse(distribution[IdsPrefix.Length..])
            : null;

    private static (Func<CaseParams, Distribution>? Distribution, string? Text) ResolveDistribution(string? name, ElementType type, string field,
        HashSet<string> ints, IReadOnlyList<ParamDefinition> parameters, Action<string, string> problem)
    {
        name ??= type == ElementType.Int32 ? "integers" : "uniform";
        if (name.StartsWith(IdsPrefix, StringComparison.Ordinal))
        {
            if (type != ElementType.Int32)
            {
                problem(field, $"'{name}' draws int32 ids; this buffer is {type.Dtype()}, so give it dtype int32 or a float distribution");
                return (null, null);
            }
            var bound = ParseExpression(name[IdsPrefix.Length..], field, ints, parameters, problem);
            if (bound is null)
                return (null, null);
            return (p => new UniformIntegers(0, Evaluate(bound, p) - 1), IdsPrefix + bound.Text.Replace(" ", "", StringComparison.Ordinal));
        }
        if (type == ElementType.Int32 && name != "integers")
        {
            problem(field, $"'{name}' is a float distribution; an int32 input takes integers or ids:<expr>");
            return (null, null);
        }
        if (Named(name) is not { } distribution)
        {
            problem(field, $"unknown distribution '{name}'; one of {string.Join(", ", DistributionNames)}");
            return (null, null);
        }
        return (_ => distribution, name);
    }

    private static LaunchExpression? ParseExpression(string? text, string field, HashSet<string> ints, IReadOnlyList<ParamDefinition> parameters,
        Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problem(field, "missing; an expression over the int params, e.g. \"rows * cols\"");
            return null;
        }
        try
        {
            var expression = LaunchExpression.Parse(text);
            var unknown = expression.Names.Where(n => !ints.Contains(n)).ToList();
            if (unknown.Count == 0)
                return expression;
            var isFloat = parameters.FirstOrDefault(p => p.Name == unknown[0])?.Kind == ParamKind.Float;
            problem(field, isFloat
                ? $"'{unknown[0]}' is a float param; lengths use int params only"
                : $"unknown name '{unknown[0]}' in '{text}'; the int params are {(ints.Count == 0 ? "none" : string.Join(", ", ints))}");
            return null;
        }
        catch (LaunchExpressionException e)
        {
            problem(field, $"'{text}' does not parse: {e.Message}");
            return null;
        }
    }

    private static Tolerance ResolveTolerance(ToleranceSpec? spec, Action<string, string> problem)
    {
        var atol = spec?.Atol ?? DefaultTolerance.Atol;
        var rtol = spec?.Rtol ?? DefaultTolerance.Rtol;
        if (!double.IsFinite(atol) || atol < 0)
            problem($"{Root}.tolerance.atol", $"{Format(atol)} must be a finite number ≥ 0");
        if (!double.IsFinite(rtol) || rtol < 0 || rtol >= 0.1)
            problem($"{Root}.tolerance.rtol", $"{Format(rtol)} must be ≥ 0 and below 0.1, or a kernel writing zeros could pass");
        return new Tolerance(atol, rtol);
    }

    private static OpDefinition Build(string name, IReadOnlyList<ParamDefinition> parameters,
        IReadOnlyList<(BufferDefinition Buffer, string Length, string? Distribution)> buffers, Tolerance tolerance, string entry)
    {
        var definitions = buffers.Select(b => b.Buffer).ToList();
        // One default case when every param has a default; otherwise the spec must give cases.
        IReadOnlyList<IReadOnlyDictionary<string, double>> defaultCases = parameters.All(p => p.Default is not null)
            ? [parameters.ToDictionary(p => p.Name, p => p.Default!.Value, StringComparer.Ordinal)]
            : [];
        return new OpDefinition(
            name,
            $"custom op {name}: the reference is the definition's OpenCL C kernel {entry} over double buffers",
            parameters,
            definitions,
            tolerance,
            defaultCases,
            (_, _) => throw new InvalidOperationException(
                $"custom op {name}: its reference is OpenCL C; the runner computes it with CustomReferenceRunner"),
            p => definitions.Sum(b => (double)b.Length(p) * b.Type.SizeInBytes()),
            Flops: null);
    }

    internal static LaunchExpression LengthExpression(BufferDefinition buffer) => buffer.CustomLength!;

    internal static LaunchExpression? IdsBound(BufferDefinition buffer) => buffer.CustomIdsBound;

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
