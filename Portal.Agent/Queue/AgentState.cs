using System.Text.Json;

namespace Portal.Agent.Queue;

/// <summary>
/// What an agent keeps between starts: the portal it registered with, its id and its agent token, so that a
/// restart (or an upgrade) is the same agent rather than a new one. The file holds a secret: it is written with
/// mode 600 in a folder with mode 700, and replaced atomically so a crash never leaves half a token.
/// </summary>
/// <param name="SigningKey">The agent's Ed25519 private key (base64), made at registration; its public half is registered with
/// the portal, which checks every result against it. Null in states saved before signing (and for an offline agent's token).</param>
public sealed record AgentState(string Portal, Guid AgentId, Guid OrganizationId, string OrganizationName, string Name, string Token,
    DateTimeOffset RegisteredAt, string? SigningKey = null)
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions Json = new(AgentProtocol.Json) { WriteIndented = true };

    /// <summary>
    /// PORTAL_AGENT_STATE, else $XDG_STATE_HOME/portal-agent/agent.json, else ~/.local/state/portal-agent/agent.json
    /// (the XDG base directory rule for state that survives restarts but is not configuration).
    /// </summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        if (environment("PORTAL_AGENT_STATE") is { Length: > 0 } explicitPath)
            return explicitPath;
        var stateHome = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ".local", "state");
        return Path.Combine(stateHome, "portal-agent", "agent.json");
    }

    /// <summary>The saved state, or null when there is none yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not an agent state (edited by hand, truncated).</exception>
    public static async Task<AgentState?> LoadAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            var state = JsonSerializer.Deserialize<AgentState>(text, Json);
            if (state is null || string.IsNullOrEmpty(state.Token) || string.IsNullOrEmpty(state.Portal))
                throw new InvalidDataException($"{path} does not hold an agent's token; delete it to register again.");
            return state;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not an agent state file ({e.Message}); delete it to register again.", e);
        }
    }

    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var folder = PrepareFolder(path);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnlyFile;
        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        // A file left from an earlier run may carry wider permissions; the secret never sits in it with them.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, OwnerOnlyFile);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Makes the file's folder (mode 700) when it is missing; answers its full path.</summary>
    public static string PrepareFolder(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (Directory.Exists(folder))
            return folder;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder); // the profile's ACLs keep it private there
        else
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        return folder;
    }

    /// <summary>Whether this state was made by the portal at <paramref name="portal"/> (an agent token is only good there).</summary>
    public bool IsFor(Uri portal) => string.Equals(Normalize(Portal), Normalize(portal.AbsoluteUri), StringComparison.OrdinalIgnoreCase);

    // Records print every member; this one must never put the token in a log.
    public override string ToString() => $"agent {Name} ({AgentId}) of {OrganizationName} on {Portal}";

    private static string Normalize(string url) => url.TrimEnd('/');
}
