using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>
/// The spec's JSON: camelCase, nulls left out, unknown fields refused (a misspelt optional field is an invalid spec, not a
/// silently applied default). Portal.Kernels' <c>KernelSpecJson</c> validates with these options; the portal stores and
/// shows specs with them.
/// </summary>
public static class SpecJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowTrailingCommas = false,
    };

    public static string Serialize(KernelSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <exception cref="JsonException">Not a spec document.</exception>
    public static KernelSpec Deserialize(string json) =>
        JsonSerializer.Deserialize<KernelSpec>(json, Options) ?? throw new JsonException("the spec document is null");
}

/// <summary>Writes and reads a <see cref="KernelSpec"/> inside another document (an API answer) exactly as <see cref="SpecJson"/> does.</summary>
public sealed class SpecJsonConverter : JsonConverter<KernelSpec>
{
    public override KernelSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<KernelSpec>(ref reader, SpecJson.Options);

    public override void Write(Utf8JsonWriter writer, KernelSpec value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, SpecJson.Options);
}
