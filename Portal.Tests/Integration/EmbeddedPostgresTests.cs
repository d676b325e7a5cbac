using System.Diagnostics;
using Npgsql;
using Portal.Data.Database;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>One cluster of its own, initialised once, that each test starts and stops as it needs.</summary>
public sealed class StoppedCluster : IAsyncLifetime
{
    public string Directory { get; } = TestPostgres.NewDataDirectory("cluster");

    public string PidFile => Path.Combine(Directory, "postmaster.pid");

    public async Task InitializeAsync() => await (await StartAsync(throwaway: false)).DisposeAsync();

    /// <summary>Starting a throwaway on the folder stops whatever a test left running there; disposing deletes it.</summary>
    public async Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(Path.Combine(Directory, "base")))
            await (await StartAsync(throwaway: true)).DisposeAsync();
        else if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }

    public Task<EmbeddedPostgres> StartAsync(bool throwaway = false) =>
        EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Directory, Throwaway = throwaway }, TestPostgres.Logger);

    public int ServerPid() => int.Parse(File.ReadLines(PidFile).First());
}

/// <summary>The embedded cluster helper on a cluster of its own: restarts, and what a killed portal leaves behind.</summary>
public sealed class EmbeddedPostgresTests(StoppedCluster cluster) : IClassFixture<StoppedCluster>
{
    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static bool IsRunningPostgres(int pid)
    {
        var cmdline = $"/proc/{pid}/cmdline";
        // A stopped server may linger as a zombie until reaped: its command line is then empty.
        return File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("postgres", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_survives_a_stop_and_a_start()
    {
        var first = await cluster.StartAsync();
        var table = "kept_" + Guid.NewGuid().ToString("N");
        await ScalarAsync(first.ConnectionString, $"CREATE TABLE {table} (value text); INSERT INTO {table} VALUES ('still here')");
        var firstPid = cluster.ServerPid();

        await first.DisposeAsync();

        Assert.False(File.Exists(cluster.PidFile));
        Assert.False(IsRunningPostgres(firstPid));
        await using var second = await cluster.StartAsync();
        Assert.Equal("still here", await ScalarAsync(second.ConnectionString, $"SELECT value FROM {table}"));
    }

    [Fact]
    public async Task A_throwaway_cluster_is_stopped_and_deleted_when_disposed()
    {
        var directory = TestPostgres.NewDataDirectory("throwaway");
        var throwaway = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = directory, Throwaway = true }, TestPostgres.Logger);
        var pid = int.Parse(File.ReadLines(Path.Combine(directory, "postmaster.pid")).First());
        Assert.Equal(1, await ScalarAsync(throwaway.ConnectionString, "SELECT 1"));

        await throwaway.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(IsRunningPostgres(pid));
    }

    [Fact]
    public async Task The_portal_reaches_the_cluster_through_its_socket_and_tools_still_reach_it_on_the_loopback_port()
    {
        await using var server = await cluster.StartAsync();

        var portal = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        Assert.Equal(cluster.Directory, portal.Host);
        Assert.True(File.Exists(Path.Combine(cluster.Directory, $".s.PGSQL.{server.Port}")));
        // inet_server_addr() is null over a Unix socket, the address over TCP.
        Assert.IsType<DBNull>(await ScalarAsync(server.ConnectionString, "SELECT inet_server_addr()::text"));
        var tcp = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "127.0.0.1" }.ConnectionString;
        Assert.Equal("127.0.0.1/32", await ScalarAsync(tcp, "SELECT inet_server_addr()::text"));
    }

    [Theory]
    [InlineData("/tmp/has space")]
    [InlineData("/tmp/has,comma")]
    [InlineData("/tmp/has'quote")]
    public void A_data_directory_the_socket_setting_cannot_name_gets_no_socket(string directory) =>
        Assert.Null(EmbeddedPostgres.SocketDirectory(directory));

    [Fact]
    public void A_socket_path_past_the_system_limit_gets_no_socket_and_one_within_it_does()
    {
        // sun_path holds 108 bytes with the terminating zero: "<dir>/.s.PGSQL.65535" may be 107 long.
        var fits = "/" + new string('d', 107 - "/.s.PGSQL.65535".Length - 1);
        Assert.Equal(fits, EmbeddedPostgres.SocketDirectory(fits));
        Assert.Null(EmbeddedPostgres.SocketDirectory(fits + "d"));
    }

    public static TheoryData<string> StalePids() => ["a process that has exited", "a live process that is not PostgreSQL"];

    /// <summary>
    /// A process of the user the server runs as ('postgres' when the tests run as root): PostgreSQL itself
    /// would take a pid file naming it for a live postmaster and refuse to start.
    /// </summary>
    private static Process StartSleeperAsServerUser()
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "setpriv" : "sleep");
        foreach (var arg in asRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups", "sleep", "60"] : new[] { "60" })
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    [Theory]
    [MemberData(nameof(StalePids))]
    public async Task A_stale_postmaster_pid_does_not_stop_the_next_start(string owner)
    {
        using var process = StartSleeperAsServerUser();
        if (owner == "a process that has exited")
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        await File.WriteAllTextAsync(cluster.PidFile, $"{process.Id}\n{cluster.Directory}\n1700000000\n5432\n\n127.0.0.1\n  5432001  0\nready   \n");

        try
        {
            await using var server = await cluster.StartAsync();

            Assert.Equal(1, await ScalarAsync(server.ConnectionString, "SELECT 1"));
            Assert.NotEqual(process.Id, cluster.ServerPid());
            Assert.True(IsRunningPostgres(cluster.ServerPid()));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }

    [Fact]
    public async Task A_server_left_running_by_an_earlier_start_is_stopped_and_the_cluster_restarted()
    {
        // The first owner "forgets" its server, as a killed portal would: it is never disposed.
        var forgotten = await cluster.StartAsync();
        var leftPid = cluster.ServerPid();
        Assert.Equal(1, await ScalarAsync(forgotten.ConnectionString, "SELECT 1"));

        await using var next = await cluster.StartAsync();

        Assert.False(IsRunningPostgres(leftPid));
        Assert.NotEqual(leftPid, cluster.ServerPid());
        Assert.Equal(1, await ScalarAsync(next.ConnectionString, "SELECT 1"));
    }
}
