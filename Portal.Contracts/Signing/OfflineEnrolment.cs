using System.Text;
using System.Text.Json;

namespace Portal.Contracts.Signing;

/// <summary>
/// The one-time code an air-gapped agent prints (<c>Portal.Agent enroll</c>) and writes to a key file: its name and public
/// key, which an admin enters on the agents page. No network call: the code travels by hand or on media. It holds nothing
/// secret; what makes it one-time is that the portal takes each public key once.
/// </summary>
public sealed record OfflineEnrolment(string Name, string PublicKey, string? Hostname = null, string? AgentVersion = null, string? EngineVersion = null)
{
    public const string Prefix = "cpo_";

    public string Encode() => Prefix + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, AgentProtocol.Json))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The enrolment in a code (surrounding whitespace and line breaks ignored), or null when it is not one.</summary>
    public static OfflineEnrolment? Decode(string? code)
    {
        var text = string.Concat((code ?? "").Where(c => !char.IsWhiteSpace(c)));
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var body = text[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        body = body.PadRight(body.Length + (4 - body.Length % 4) % 4, '=');
        try
        {
            var enrolment = JsonSerializer.Deserialize<OfflineEnrolment>(Convert.FromBase64String(body), AgentProtocol.Json);
            return enrolment is { Name.Length: > 0 } && AgentKey.IsPublicKey(enrolment.PublicKey) ? enrolment : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public override string ToString() => Encode();
}
