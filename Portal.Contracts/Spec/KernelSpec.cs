using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>
/// The kernel job spec as submitted (DESIGN.md "The kernel job spec (contract)"), camelCase JSON.
/// v2 adds <paramref name="Dtype"/> (the storage dtype of every float buffer: f32, f16, bf16, fp8e4m3, fp8e5m2),
/// <paramref name="Dtypes"/> (per-buffer overrides, e.g. <c>{"c": "f32"}</c>) and, with <c>"op": "custom"</c>,
/// <paramref name="OpDefinition"/>. Everything is nullable because this is what a person wrote; <see cref="KernelSpecValidator"/> turns it
/// into a <see cref="ValidatedSpec"/> or names each field that is wrong.
/// </summary>
public sealed record KernelSpec(
    string? Op,
    string? Language,
    string? Entry,
    string? Source,
    IReadOnlyList<string>? Args,
    LaunchSpec? Launch,
    IReadOnlyList<CaseSpec>? Cases = null,
    ToleranceSpec? Tolerance = null,
    ulong? Seed = null,
    TimingSpec? Timing = null,
    int? TimeoutSeconds = null,
    string? Dtype = null,
    IReadOnlyDictionary<string, string>? Dtypes = null,
    OpDefinitionSpec? OpDefinition = null);

/// <summary>
/// Launch shape. opencl-c uses global [+ local]; cuda-c grid, block [+ sharedBytes]; triton grid
/// [+ numWarps, constexprs]. Every value is an integer or an expression over the case's int params.
/// </summary>
public sealed record LaunchSpec(
    IReadOnlyList<LaunchValue>? Global = null,
    IReadOnlyList<LaunchValue>? Local = null,
    IReadOnlyList<LaunchValue>? Grid = null,
    IReadOnlyList<LaunchValue>? Block = null,
    LaunchValue? SharedBytes = null,
    LaunchValue? NumWarps = null,
    IReadOnlyDictionary<string, LaunchValue>? Constexprs = null);

/// <summary>Omitted fields take the op's default tolerance.</summary>
public sealed record ToleranceSpec(double? Atol = null, double? Rtol = null);

/// <param name="Warmup">Untimed launches before measuring.</param>
/// <param name="Iterations">Timed launches per batch (at most); the runner adds batches until the relative standard
/// error of the median is under 1 %, <paramref name="BudgetMs"/> of device time is spent, or <paramref name="MaxIterations"/>
/// is reached, whichever comes first.</param>
/// <param name="BudgetMs">Device time, in ms, the timed launches of one job may take together (default 2000).</param>
public sealed record TimingSpec(int? Warmup = null, int? Iterations = null, int? MaxIterations = null, int? BudgetMs = null);

/// <summary>A launch dimension as written: a JSON integer or a string expression, kept as text.</summary>
[JsonConverter(typeof(LaunchValueJsonConverter))]
public readonly record struct LaunchValue(string Text)
{
    public static implicit operator LaunchValue(long value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static implicit operator LaunchValue(string expression) => new(expression);

    public override string ToString() => Text;
}

internal sealed class LaunchValueJsonConverter : JsonConverter<LaunchValue>
{
    public override LaunchValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new LaunchValue(reader.GetString()!),
            // Kept as written; the expression parser rejects fractions and exponents with a position.
            JsonTokenType.Number => new LaunchValue(System.Text.Encoding.UTF8.GetString(reader.ValueSpan)),
            _ => throw new JsonException("expected an integer or an expression string"),
        };

    public override void Write(Utf8JsonWriter writer, LaunchValue value, JsonSerializerOptions options)
    {
        if (long.TryParse(value.Text, System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var number))
            writer.WriteNumberValue(number);
        else
            writer.WriteStringValue(value.Text);
    }
}

/// <summary>
/// A custom op (<c>"op": "custom"</c>, DESIGN.md "Custom ops"): its params, buffers and a double-precision reference
/// in OpenCL C. The same JSON is what the portal saves as an op definition.
/// </summary>
public sealed record OpDefinitionSpec(
    string? Name,
    IReadOnlyList<OpParamSpec>? Params,
    IReadOnlyList<OpBufferSpec>? Buffers,
    OpReferenceSpec? Reference,
    ToleranceSpec? Tolerance = null);

/// <param name="Type">int (a size, usable in lengths and launch expressions) or float.</param>
public sealed record OpParamSpec(string? Name, string? Type, double? Default = null);

/// <param name="Role">input or output.</param>
/// <param name="Dtype">f32 (default), f16, bf16, fp8e4m3, fp8e5m2 or int32.</param>
/// <param name="Length">An expression over the int params, as in launch.</param>
/// <param name="Distribution">For inputs: uniform, normal, positive, integers, or ids:&lt;expr&gt;.</param>
public sealed record OpBufferSpec(string? Name, string? Role, string? Dtype = null, string? Length = null, string? Distribution = null);

/// <summary>The reference kernel: OpenCL C over double buffers, its args the buffers then the params in order.</summary>
public sealed record OpReferenceSpec(string? Entry, LaunchSpec? Launch, string? Source);
