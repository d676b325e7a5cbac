using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>
/// The kernel job spec as submitted (DESIGN.md "The kernel job spec (contract)"), camelCase JSON.
/// Everything is nullable because this is what a person wrote; <see cref="KernelSpecValidator"/> turns it
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
    int? TimeoutSeconds = null);

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
/// <param name="Iterations">Timed launches per batch; the runner adds batches until the relative standard
/// error of the mean is under 1 % or <paramref name="MaxIterations"/> is reached.</param>
public sealed record TimingSpec(int? Warmup = null, int? Iterations = null, int? MaxIterations = null);

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
