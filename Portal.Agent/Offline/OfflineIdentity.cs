using System.Text.Json;
using Portal.Agent.Queue;

namespace Portal.Agent.Offline;

/// <summary>
/// An air-gapped agent's identity: its name and Ed25519 key pair, made by <c>Portal.Agent enroll</c> with no network call and
/// kept like the online agent's state (mode 600, in a folder with mode 700). The portal learns the public key from the
/// one-time code an admin enters.
/// </summary>
public sealed record OfflineIdentity(string Name, string PrivateKey, string PublicKey, DateTimeOffset CreatedAt)
{
    private static readonly JsonSerializerOptions Json = new(Portal.Contracts.AgentProtocol.Json) { WriteIndented = true };

    /// <summary>Beside the online agent's state: PORTAL_AGENT_STATE's folder (or $XDG_STATE_HOME/portal-agent), offline-agent.json.</summary>
    public static string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(AgentState.DefaultPath(environment)))!, "offline-agent.json");

    public static async Task<OfflineIdentity?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize<OfflineIdentity>(await File.ReadAllTextAsync(path, cancellationToken), Json)
                   ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not an offline agent's identity ({e.Message})", e);
        }
    }

    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        AgentState.PrepareFolder(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var stream = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
    }

    public override string ToString() => $"offline agent {Name}"; // never print the private key
}
