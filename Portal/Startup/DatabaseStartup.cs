using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Api.Accounts;
using Portal.Api.Jobs;
using Portal.Data;
using Portal.Data.Database;
using Portal.Data.Seed;

namespace Portal.Startup;

/// <summary>
/// Before anything else starts (the web server included): apply migrations, load demo data in
/// Development, and keep the bootstrap token. /health reports ready only after this ran.
/// </summary>
internal sealed class DatabaseStartup(
    IServiceScopeFactory scopes,
    IOptions<PortalOptions> options,
    ILogger<DatabaseStartup> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // Replicas starting together on one database take turns: each step below reads, then writes what is missing
        // (the suite, demo data, the bootstrap admin and token), and two replicas doing that at once both write it.
        await using var turn = await StartupTurn.TakeAsync(db.Database.GetConnectionString()!, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await PortalMigrations.MigrateAsync(db, cancellationToken);
        }

        // The built-in conformance suite is part of every portal, demo or not.
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        if (await ConformanceSuiteLoader.LoadAsync(db, time.GetUtcNow(), cancellationToken) is > 0 and var suiteChanges)
            logger.LogInformation("Conformance suite v2: {Count} test(s) added or updated", suiteChanges);

        var settings = options.Value;
        if (settings.DemoData == true)
        {
            if (await DemoData.LoadOrganizationsAsync(db, cancellationToken))
                logger.LogInformation("Demo organisations and alliances loaded");
            if (await DemoData.LoadRegistryAsync(db, cancellationToken) is { } registry)
            {
                logger.LogInformation("Demo registry loaded: {Skus} SKU(s), {Deployments} deployment(s)", registry.Skus, registry.Deployments);
                if (registry.Skipped.Count > 0)
                    logger.LogWarning("Demo registry rows not linked (their organisation or SKU was removed): {Skipped}", string.Join("; ", registry.Skipped));
            }
            if (await DemoData.LoadProfilesAsync(db, cancellationToken) is > 0 and var profileTests)
                logger.LogInformation("Demo requirement profile loaded: {Tests} test(s)", profileTests);
            var users = scope.ServiceProvider.GetRequiredService<DemoUsers>();
            await users.EnsureAsync(settings.DemoPassword!, cancellationToken);
        }

        if (!string.IsNullOrEmpty(settings.LocalAgentToken))
        {
            await LocalAgentBootstrap.EnsureAsync(db, settings.LocalAgentToken, time.GetUtcNow(), cancellationToken);
            logger.LogInformation("Local agent registration token is active for the organisation '{Organization}'", LocalAgentBootstrap.OrganizationName);
        }

        if (!string.IsNullOrEmpty(settings.BootstrapToken))
        {
            var admin = await scope.ServiceProvider.GetRequiredService<DemoUsers>().EnsureBootstrapAdminAsync(cancellationToken);
            await scope.ServiceProvider.GetRequiredService<ApiTokenService>().EnsureBootstrapTokenAsync(settings.BootstrapToken, admin, cancellationToken);
            logger.LogInformation("Bootstrap API token is active for the consortium admin '{Admin}'", DemoUsers.BootstrapAdminEmail);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A PostgreSQL advisory lock held, on a connection of its own, while one replica does its start-up work; a replica
/// that dies holding it lets go with its connection. Not pooled: a session lock would stay with a pooled connection.
/// </summary>
internal sealed class StartupTurn : IAsyncDisposable
{
    /// <summary>Any fixed number, the same in every replica: "portal" in ASCII.</summary>
    private const long Key = 0x706f7274616c;

    private readonly NpgsqlConnection _connection;

    private StartupTurn(NpgsqlConnection connection) => _connection = connection;

    public static async Task<StartupTurn> TakeAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // No command timeout: a replica waits as long as the one ahead of it takes (the host's token bounds the wait).
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection) { CommandTimeout = 0 };
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new StartupTurn(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closing the (unpooled) connection ends its session, and with it the lock.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
