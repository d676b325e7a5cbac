using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>
/// One case as written in a spec: the op's params by name and, optionally, the name of an input distribution
/// (<c>{ "rows": 255, "cols": 257, "distribution": "large" }</c>). Without one, the op's default distribution is used.
/// </summary>
[JsonConverter(typeof(CaseSpecJsonConverter))]
public sealed record CaseSpec(IReadOnlyDictionary<string, double> Params, string? Distribution = null)
{
    /// <summary>The JSON field that names the distribution; every other field of a case is a param.</summary>
    public const string DistributionField = "distribution";

    public static implicit operator CaseSpec(Dictionary<string, double> values) => new(values, Distribution: null);
}

/// <summary>A case field of the wrong type; the serializer sets the path up to the case, this names the field in it.</summary>
public sealed class CaseFieldException(string field, string message) : JsonException(message)
{
    public string Field { get; } = field;
}

/// <summary>A case is a flat JSON object: numbers are params, <c>distribution</c> is a name.</summary>
internal sealed class CaseSpecJsonConverter : JsonConverter<CaseSpec>
{
    public override CaseSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("expected an object of params, e.g. { \"n\": 1000 }");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        string? distribution = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name == CaseSpec.DistributionField)
            {
                distribution = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw new CaseFieldException(name, "expected a distribution name, e.g. \"large\"");
                continue;
            }
            if (reader.TokenType != JsonTokenType.Number)
                throw new CaseFieldException(name, "expected a number");
            values[name] = reader.GetDouble();
        }
        return new CaseSpec(values, distribution);
    }

    public override void Write(Utf8JsonWriter writer, CaseSpec value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, number) in value.Params)
            writer.WriteNumber(name, number);
        if (value.Distribution is not null)
            writer.WriteString(CaseSpec.DistributionField, value.Distribution);
        writer.WriteEndObject();
    }
}
