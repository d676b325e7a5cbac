using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Data.Database;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The one throwaway PostgreSQL cluster of a test run: started on first use, with a migrated template
/// database that every test class copies (CREATE DATABASE ... TEMPLATE is far faster than migrating),
/// and stopped and deleted once the test process has gone.
/// </summary>
public static class TestPostgres
{
    public const string DirectoryPrefix = "portal-tests-";
    private const string TemplateDatabase = "portal_template";

    private static readonly Lazy<Task<EmbeddedPostgres>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A fresh, migrated database for one test class; answers its connection string.</summary>
    public static async Task<TestDatabaseName> CreateDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = "t_" + Guid.NewGuid().ToString("N");
        var connectionString = await cluster.CreateDatabaseAsync(name, TemplateDatabase);
        return new TestDatabaseName(name, connectionString);
    }

    /// <summary>An empty database (no migrations applied), for tests of migrating itself.</summary>
    public static async Task<TestDatabaseName> CreateEmptyDatabaseAsync()
    {
        var cluster = await Cluster.Value;
        var name = "t_" + Guid.NewGuid().ToString("N");
        return new TestDatabaseName(name, await cluster.CreateDatabaseAsync(name));
    }

    public static async Task DropDatabaseAsync(string name)
    {
        var cluster = await Cluster.Value;
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A folder name under /tmp that marks its owner, so a later run can tell leftovers from live clusters.</summary>
    public static string NewDataDirectory(string purpose) =>
        Path.Combine(Path.GetTempPath(), $"{DirectoryPrefix}{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public static ILogger Logger { get; } = NullLogger.Instance;

    private static async Task<EmbeddedPostgres> StartAsync()
    {
        await RemoveLeftoversAsync();
        var cluster = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresOptions { DataDirectory = NewDataDirectory("run"), Throwaway = true }, Logger);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        WatchOver(cluster);

        await cluster.CreateDatabaseAsync(TemplateDatabase);
        // No pooling: a template cannot be copied while a connection to it is still open.
        var migration = new NpgsqlConnectionStringBuilder(cluster.ForDatabase(TemplateDatabase)) { Pooling = false };
        await PortalMigrations.MigrateAsync(migration.ConnectionString);
        return cluster;
    }

    /// <summary>
    /// The test platform kills the test host soon after the last test, usually before a ProcessExit
    /// handler has stopped the cluster. So a small detached shell waits for this process to end, then
    /// stops the server (SIGINT: PostgreSQL's fast shutdown) and deletes its folder.
    /// </summary>
    private static void WatchOver(EmbeddedPostgres cluster)
    {
        var serverPid = File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First().Trim();
        const string script = """
            exec >/dev/null 2>&1 </dev/null
            while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
            kill -INT "$2" 2>/dev/null
            # A stopped server may stay a zombie if nobody reaps it: that counts as gone.
            for _ in $(seq 300); do
              { [ -e "/proc/$2" ] && ! grep -q '^State:.*Z' "/proc/$2/status"; } || break
              sleep 0.1
            done
            rm -rf "$3"
            """;
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "sh", "-c", script, "portal-tests-watch", Environment.ProcessId.ToString(), serverPid, cluster.DataDirectory })
            start.ArgumentList.Add(arg);
        using var watcher = Process.Start(start) ?? throw new InvalidOperationException("Could not start the cluster's watcher (setsid sh).");
    }

    /// <summary>
    /// A test run that was killed outright (watcher included) leaves its cluster behind: stop the server of
    /// any such folder whose owning process is gone and delete it, so /tmp does not fill up run after run.
    /// Each folder is first renamed out of the pattern, so that two runs starting together never both take it.
    /// </summary>
    private static async Task RemoveLeftoversAsync()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var parts = Path.GetFileName(directory).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[^2], out var ownerPid) || IsAlive(ownerPid))
                continue;
            var claimed = Path.Combine(Path.GetTempPath(), $"portal-leftover-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(directory, claimed);
            }
            catch (IOException)
            {
                continue; // another run took it first
            }
            var pidFile = Path.Combine(claimed, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var serverPid) && IsAlive(serverPid))
                await StopServerAsync(serverPid);
            Directory.Delete(claimed, recursive: true);
        }
    }

    /// <summary>SIGINT is PostgreSQL's fast shutdown; then wait (bounded) until the server is gone.</summary>
    private static async Task StopServerAsync(int pid)
    {
        using (var kill = Process.Start("kill", ["-INT", pid.ToString()]))
            await kill.WaitForExitAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (IsAlive(pid) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
    }

    /// <summary>Running, and not a zombie that nobody has reaped yet.</summary>
    private static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/status";
        try
        {
            return File.ReadLines(status).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) is { } state
                && !state.Contains('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}

public sealed record TestDatabaseName(string Name, string ConnectionString);
