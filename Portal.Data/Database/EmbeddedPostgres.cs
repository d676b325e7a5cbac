using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Data.Database;

public sealed record EmbeddedPostgresOptions
{
    /// <summary>The cluster's own folder (PGDATA); created and initialised on first start.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Database created for the portal on first start.</summary>
    public string Database { get; init; } = "portal";

    /// <summary>Throwaway clusters (tests) trade durability for speed and are deleted when stopped.</summary>
    public bool Throwaway { get; init; }
}

/// <summary>
/// A private PostgreSQL cluster started from the machine's own server binaries: the portal's default
/// database, and the one every test run uses. It listens on a free loopback port only, with a random
/// password kept beside the data, and is stopped when disposed.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string CredentialsFile = "portal-credentials";
    private const string SuperUser = "portal";

    private readonly PostgresBinaries _binaries;
    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private int _stopped;

    private EmbeddedPostgres(PostgresBinaries binaries, EmbeddedPostgresOptions options, ILogger logger, int port, string? socket, string password)
    {
        _binaries = binaries;
        _options = options;
        _logger = logger;
        Port = port;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            // The Unix socket where there is one: on one machine it costs less per round trip than loopback TCP (in the
            // registry benchmark, 11-24 % more requests a second; docs/benchmarks.md).
            Host = socket ?? "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        ConnectionString = ForDatabase(options.Database);
    }

    public int Port { get; }
    public string ConnectionString { get; }
    public string AdminConnectionString { get; }
    public string DataDirectory => _options.DataDirectory;

    public string ForDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        options = options with { DataDirectory = dataDirectory };
        var runner = new PostgresProcessRunner(binaries, logger);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            await InitialiseAsync(runner, dataDirectory, cancellationToken);

        await StopLeftoverServerAsync(runner, dataDirectory, logger, cancellationToken);
        var password = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, CredentialsFile), cancellationToken)).Trim();

        var socket = SocketDirectory(dataDirectory);
        // A free port can be taken by someone else between our probe and the server's bind: retry.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            await WriteRuntimeSettingsAsync(dataDirectory, port, socket, options.Throwaway, cancellationToken);
            var log = Path.Combine(dataDirectory, "portal-postgres.log");
            var result = await runner.RunAsync(
                ["pg_ctl", "start", "-D", dataDirectory, "-w", "-t", "60", "-l", log], cancellationToken);
            if (result.ExitCode == 0)
            {
                var server = new EmbeddedPostgres(binaries, options, logger, port, socket, password);
                await server.EnsureDatabaseAsync(options.Database, cancellationToken);
                logger.LogInformation("Embedded PostgreSQL {Version} is running on 127.0.0.1:{Port} (and its Unix socket: {Socket}) with data in {DataDirectory}",
                    binaries.Version, port, socket is null ? "none" : "yes", dataDirectory);
                return server;
            }
            if (attempt == 3)
            {
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : "";
                throw new EmbeddedPostgresException(
                    $"PostgreSQL did not start from {dataDirectory}: {result.Output.Trim()}\n{tail}");
            }
        }
    }

    /// <summary>Creates a database (optionally as a copy of a template) and answers its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        var sql = template is null
            ? $"CREATE DATABASE \"{name}\""
            : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"";
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ForDatabase(name);
    }

    private async Task EnsureDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            await CreateDatabaseAsync(name, cancellationToken: cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
            return;
        NpgsqlConnection.ClearAllPools();
        var runner = new PostgresProcessRunner(_binaries, _logger);
        var result = await runner.RunAsync(["pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], CancellationToken.None);
        if (result.ExitCode != 0)
            _logger.LogError("Stopping embedded PostgreSQL failed: {Output}", result.Output);
        else
            _logger.LogInformation("Embedded PostgreSQL stopped");
        if (_options.Throwaway)
            Directory.Delete(DataDirectory, recursive: true);
    }

    private static async Task InitialiseAsync(PostgresProcessRunner runner, string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        if (Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new EmbeddedPostgresException(
                $"{dataDirectory} is not empty and holds no PostgreSQL cluster; move its contents away or choose another Portal:DataDirectory.");

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var passwordFile = Path.Combine(dataDirectory, "..", $".{Path.GetFileName(dataDirectory)}.pwfile");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            runner.HandOver(passwordFile);
            runner.HandOver(dataDirectory);
            var result = await runner.RunAsync(
                ["initdb", "-D", dataDirectory, "-U", SuperUser, $"--pwfile={passwordFile}", "--auth=scram-sha-256",
                 "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"], cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new EmbeddedPostgresException($"initdb failed for {dataDirectory}: {result.Output.Trim()}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"),
            "\n# Written by the portal each start: port, listen address, durability.\ninclude_if_exists = 'portal.conf'\n", cancellationToken);
        var credentials = Path.Combine(dataDirectory, CredentialsFile);
        await File.WriteAllTextAsync(credentials, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(credentials, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        runner.HandOver(dataDirectory);
    }

    /// <summary>
    /// Where the cluster's Unix socket goes: its own data directory, which only the server's user (and root) can enter.
    /// None on Windows, or where the socket's path would pass the system's limit (107 bytes) or the directory's name
    /// holds a character that the setting's list syntax reads (quotes, commas, spaces, backslashes): then TCP on the
    /// loopback only.
    /// </summary>
    public static string? SocketDirectory(string dataDirectory)
    {
        if (OperatingSystem.IsWindows() || dataDirectory.Any(c => c is '\'' or '"' or ',' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
            return null;
        return System.Text.Encoding.UTF8.GetByteCount(Path.Combine(dataDirectory, ".s.PGSQL.65535")) <= 107 ? dataDirectory : null;
    }

    private static async Task WriteRuntimeSettingsAsync(string dataDirectory, int port, string? socket, bool throwaway,
        CancellationToken cancellationToken)
    {
        // The loopback port stays open beside the socket, for psql, pgbench and other tools.
        var settings = $"""
            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = '{socket ?? ""}'
            max_connections = 200
            random_page_cost = 1.1
            """;
        // random_page_cost: the cluster lives on the portal's own disk, an SSD or the page cache, where an
        // index lookup costs little more than a sequential read; the default (4) assumes spinning disks
        // and makes the planner hash-join whole tables to decorate a page of 50 rows.
        if (throwaway)
            settings += "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
        var path = Path.Combine(dataDirectory, "portal.conf");
        await File.WriteAllTextAsync(path, settings + "\n", cancellationToken);
    }

    /// <summary>
    /// A portal that was killed leaves its PostgreSQL running (or a stale postmaster.pid): stop the
    /// former, remove the latter, so the next start never hangs on it.
    /// </summary>
    private static async Task StopLeftoverServerAsync(PostgresProcessRunner runner, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
            return;
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && IsPostgresProcess(pid))
        {
            logger.LogWarning("PostgreSQL (pid {Pid}) was left running on {DataDirectory} by an earlier start; stopping it", pid, dataDirectory);
            var result = await runner.RunAsync(["pg_ctl", "stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"], cancellationToken);
            if (result.ExitCode != 0)
                throw new EmbeddedPostgresException($"Could not stop the PostgreSQL left running on {dataDirectory}: {result.Output.Trim()}");
        }
        else
        {
            logger.LogWarning("Removing stale {PidFile} left by a PostgreSQL that is no longer running", pidFile);
            File.Delete(pidFile);
        }
    }

    private static bool IsPostgresProcess(int pid)
    {
        try
        {
            // The process name, not its command line: "setpriv --reuid=postgres ..." is not a server.
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "postgres";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class EmbeddedPostgresException(string message) : Exception(message);
