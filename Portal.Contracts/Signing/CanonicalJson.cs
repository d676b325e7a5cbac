using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Contracts.Signing;

/// <summary>
/// The one canonical form of a JSON document, the bytes every signature here is made over: no whitespace, object members
/// sorted by name (ordinal), members whose value is null left out, every number written as the shortest text that
/// reads back as the same double, strings with only the escapes JSON requires. Two documents that mean the same (keys in
/// another order, 1e-6 or 0.000001, an explicit null) have the same canonical bytes, so a result stored as jsonb and
/// served again verifies against the signature the agent made.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Bytes(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            Write(writer, element);
        return buffer.ToArray();
    }

    public static byte[] Bytes(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Bytes(document.RootElement);
    }

    /// <summary>Lowercase hex SHA-256 of the canonical bytes: how a spec is named in a signed result and a bundle.</summary>
    public static string Sha256(JsonElement element) => Convert.ToHexStringLower(SHA256.HashData(Bytes(element)));

    public static string Sha256(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Sha256(document.RootElement);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().Where(m => m.Value.ValueKind != JsonValueKind.Null)
                             .OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                // A number no double holds (1e400) is unreadable input, not a server fault: the caller answers it as such.
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number))
                    throw new JsonException($"The number {element.GetRawText()} is out of range.");
                writer.WriteNumberValue(number);
                break;
            case JsonValueKind.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonValueKind.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
