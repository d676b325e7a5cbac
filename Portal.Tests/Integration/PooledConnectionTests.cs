using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// Issue 16: a NUL in a search broke pooled connections, so that other people's requests failed now and then with
/// "Received unexpected backend message DataRow". PostgreSQL refuses a NUL in a text parameter at Bind (22021); when that
/// Bind was in the round trip that auto-prepared the statement, Npgsql kept the statement as prepared without its row
/// description, and the next execution of that SQL on that connection failed. The portal no longer auto-prepares.
/// </summary>
public sealed class PooledConnectionTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    /// <summary>
    /// For each number of earlier executions (so that whichever execution auto-preparation would pick is the refused
    /// one): that many good executions, one refused at Bind, then a good one that must succeed, on one physical connection.
    /// </summary>
    private static async Task AssertEveryGoodExecutionSucceedsAsync(Func<string, string, Task<string?>> execute)
    {
        for (var before = 0; before < 8; before++)
        {
            var sql = $"select @p::text || '-{before}' where @p::text is not null";
            for (var i = 0; i < before; i++)
                Assert.Equal($"ok-{before}", await execute(sql, "ok"));
            var refused = await Assert.ThrowsAsync<PostgresException>(() => execute(sql, "bad\u0000"));
            Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);
            Assert.Equal($"ok-{before}", await execute(sql, "ok"));
            Assert.Equal($"ok-{before}", await execute(sql, "ok"));
        }
    }

    [Fact]
    public async Task After_a_command_refused_at_bind_the_DbContexts_connection_serves_every_later_command()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        await AssertEveryGoodExecutionSucceedsAsync(async (sql, value) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("p", value);
            return (string?)await command.ExecuteScalarAsync();
        });
    }

    [Fact]
    public async Task After_a_command_refused_at_bind_the_job_queues_pool_serves_every_later_command()
    {
        var dataSource = portal.Services.GetRequiredService<NpgsqlDataSource>();
        // One connection at a time from the pool: each command gets the one the previous command gave back.
        await AssertEveryGoodExecutionSucceedsAsync(async (sql, value) =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("p", value);
            return (string?)await command.ExecuteScalarAsync();
        });
    }

    /// <summary>
    /// The job queue prepares its hot statements explicitly (JobQueue), in a round trip of their own: a later Bind that
    /// PostgreSQL refuses finds the statement fully prepared, and the pooled connection keeps serving it.
    /// </summary>
    [Fact]
    public async Task After_an_explicitly_prepared_command_is_refused_at_bind_the_job_queues_pool_serves_every_later_command()
    {
        var dataSource = portal.Services.GetRequiredService<NpgsqlDataSource>();
        await AssertEveryGoodExecutionSucceedsAsync(async (sql, value) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("p", value);
            await command.PrepareAsync();
            return (string?)await command.ExecuteScalarAsync();
        });
    }

    /// <summary>
    /// Why the portal does not auto-prepare: with it, the same sequence breaks the connection. When this starts failing,
    /// Npgsql has fixed its bookkeeping and auto-prepare could come back.
    /// </summary>
    [Fact]
    public async Task With_Npgsql_auto_prepare_a_refused_bind_breaks_the_next_command_on_that_connection()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(portal.Database.ConnectionString)
        {
            MaxAutoPrepare = 100, AutoPrepareMinUsages = 2, ApplicationName = "auto-prepare-canary",
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AssertEveryGoodExecutionSucceedsAsync(async (sql, value) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("p", value);
            return (string?)await command.ExecuteScalarAsync();
        }));
        Assert.Contains("unexpected backend message", failure.Message, StringComparison.OrdinalIgnoreCase);
    }
}
