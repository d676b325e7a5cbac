using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>
/// JSON for results: camelCase, nulls left out, and NaN/±∞ written as the strings "NaN", "Infinity",
/// "-Infinity" — a kernel that writes NaN must still produce a readable result.
/// </summary>
public static class KernelResultJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(KernelResult result) => JsonSerializer.Serialize(result, Options);

    public static KernelResult? Deserialize(string json) => JsonSerializer.Deserialize<KernelResult>(json, Options);
}

/// <summary>
/// Writes and reads a <see cref="KernelResult"/> inside another document (an API answer) exactly as the contract does, whatever
/// that document's own options: <c>[JsonConverter(typeof(KernelResultJsonConverter))]</c> on the property.
/// </summary>
public sealed class KernelResultJsonConverter : JsonConverter<KernelResult>
{
    public override KernelResult? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<KernelResult>(ref reader, KernelResultJson.Options);

    public override void Write(Utf8JsonWriter writer, KernelResult value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, KernelResultJson.Options);
}
