using System.Text;
using System.Text.Json;

namespace Portal.Api.Common;

/// <summary>
/// The text form of a keyset position (the sort key of a page's last row): JSON in URL-safe base64, opaque to clients.
/// Shared by the SKU and the deployment lists (SkuKeyset, DeploymentKeyset), each with its own position record.
/// </summary>
public static class KeysetCursor
{
    public static string Encode<T>(T position) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position, or null when the text is not one this codec wrote.</summary>
    public static T? Decode<T>(string cursor) where T : class
    {
        try
        {
            var text = cursor.Trim().Replace('-', '+').Replace('_', '/');
            var bytes = Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
            return JsonSerializer.Deserialize<T>(Encoding.UTF8.GetString(bytes));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }
}
