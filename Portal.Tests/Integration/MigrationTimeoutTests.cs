using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;
using Portal.Data.Database;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// Migrations that backfill a table (RegistryFiguresAndSearch over 100,000 SKUs) run past Npgsql's 30-s default; a portal
/// whose start stopped there would not come up. Every migration statement gets the long timeout, and ordinary queries
/// afterwards the context's own again.
/// </summary>
public sealed class MigrationTimeoutTests
{
    private sealed class Timeouts : DbCommandInterceptor
    {
        public ConcurrentQueue<(string Text, int Timeout)> Seen { get; } = new();

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Seen.Enqueue((command.CommandText, command.CommandTimeout));
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task Every_migration_statement_may_run_for_the_long_timeout_and_the_context_gets_its_own_back()
    {
        var database = await TestPostgres.CreateEmptyDatabaseAsync();
        try
        {
            var timeouts = new Timeouts();
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            PortalDataExtensions.Configure(options, database.ConnectionString);
            options.AddInterceptors(timeouts);
            await using var db = new PortalDbContext(options.Options);
            var before = db.Database.GetCommandTimeout();

            await PortalMigrations.MigrateAsync(db);

            var backfill = timeouts.Seen.Where(s => s.Text.Contains("search_text", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(backfill);
            Assert.True(timeouts.Seen.Count > 50, $"only {timeouts.Seen.Count} migration statements were seen");
            Assert.All(timeouts.Seen, s => Assert.Equal((int)PortalMigrations.StatementTimeout.TotalSeconds, s.Timeout));
            Assert.Equal(before, db.Database.GetCommandTimeout());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database.Name);
        }
    }
}
