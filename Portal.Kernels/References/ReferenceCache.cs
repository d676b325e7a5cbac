namespace Portal.Kernels.References;

/// <summary>
/// The agent host's cache of custom-op reference outputs (<see cref="ReferenceFile"/>), one file per
/// <see cref="CustomReferences.CaseKey"/>, so that a suite of many kernels for one op computes each case's reference once.
/// It lives with the agent, never inside a kernel's sandbox: a private test's reference must not be readable by other
/// tests' kernels (<see cref="Isolation.KernelSandbox"/> leaves out any folder that would show it). Reads check each
/// file's SHA-256 and shape; a bad file is deleted and counts as a miss. Past <see cref="MaxBytes"/> the least recently
/// used files are evicted. Environment: PORTAL_REFERENCE_CACHE (folder), PORTAL_REFERENCE_CACHE_MB (size, default 1024).
/// </summary>
public sealed class ReferenceCache
{
    public const string FolderVariable = "PORTAL_REFERENCE_CACHE";
    public const string SizeVariable = "PORTAL_REFERENCE_CACHE_MB";
    private const string Extension = ".ref";
    private static readonly string[] SystemFolders = ["/usr", "/etc", "/sys", "/proc", "/dev", "/bin", "/sbin", "/lib", "/lib64"];

    private readonly Lock gate = new();
    private int hits;
    private int misses;
    private int stored;

    public ReferenceCache(string folder, long maxBytes = 1L << 30)
    {
        Folder = Path.GetFullPath(folder);
        // The sandbox shows these folders to every kernel; a cache there would be readable by all of them.
        if (SystemFolders.Any(s => Folder == s || Folder.StartsWith(s + "/", StringComparison.Ordinal)))
            throw new ArgumentException($"the reference cache cannot lie in {Folder}: kernels' sandboxes show that folder", nameof(folder));
        MaxBytes = maxBytes;
        // Created now, so that every sandbox built from here on covers it, even inside a folder the sandbox shows.
        CreateFolder();
        Isolation.KernelSandbox.Hide(Folder);
    }

    private void CreateFolder()
    {
        if (Directory.Exists(Folder))
            return;
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Folder { get; }

    public long MaxBytes { get; }

    public int Hits => hits;

    public int Misses => misses;

    public int Stored => stored;

    /// <summary>The cache the environment names, else $XDG_STATE_HOME/portal-agent/references (~/.local/state/… without it).</summary>
    public static ReferenceCache FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var folder = environment(FolderVariable);
        if (string.IsNullOrEmpty(folder))
        {
            var state = environment("XDG_STATE_HOME");
            if (string.IsNullOrEmpty(state))
                state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            folder = Path.Combine(state, "portal-agent", "references");
        }
        var megabytes = long.TryParse(environment(SizeVariable), out var mb) && mb > 0 ? mb : 1024;
        return new ReferenceCache(folder, megabytes << 20);
    }

    /// <summary>The intact file for this key, or null (a miss).</summary>
    public byte[]? TryRead(string key, Func<byte[], bool> isValid)
    {
        var path = PathOf(key);
        lock (gate)
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                if (isValid(bytes))
                {
                    File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // recently used: evicted last
                    Interlocked.Increment(ref hits);
                    return bytes;
                }
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            Interlocked.Increment(ref misses);
            return null;
        }
    }

    /// <summary>Stores the file (written aside and renamed, so readers never see half of it), then evicts the oldest past the size limit.</summary>
    public void Store(string key, byte[] bytes)
    {
        lock (gate)
        {
            var path = PathOf(key);
            CreateFolder();
            var temporary = path + ".partial";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
            Interlocked.Increment(ref stored);
            Evict();
        }
    }

    private void Evict()
    {
        var files = new DirectoryInfo(Folder).GetFiles("*" + Extension).OrderBy(f => f.LastWriteTimeUtc).ToList();
        var total = files.Sum(f => f.Length);
        foreach (var file in files)
        {
            if (total <= MaxBytes)
                break;
            total -= file.Length;
            try
            {
                file.Delete();
            }
            catch (IOException)
            {
            }
        }
    }

    private string PathOf(string key)
    {
        // Keys are hex hashes; anything else would be a path the cache does not own.
        if (key.Length != 64 || !key.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"'{key}' is not a reference key", nameof(key));
        return Path.Combine(Folder, key + Extension);
    }
}
