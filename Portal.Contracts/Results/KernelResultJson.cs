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
