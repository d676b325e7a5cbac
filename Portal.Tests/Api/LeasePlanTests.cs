using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Portal.Api.Jobs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 12: the lease statement cannot be planned onto ix_jobs_queued_age, the reaper's index of queued jobs by age.
/// When it could, a lease planned with statistics from before a burst of submissions read the whole queue through it
/// (6 ms instead of 0.1 ms, one lease in twenty, in the queue benchmark). Each check runs in a transaction that is rolled
/// back, with the queue's own indexes dropped and sequential scans priced out, so that an index the lease may use is one
/// the planner takes.
/// </summary>
public sealed class LeasePlanTests(CompatibilityPortal portal) : IClassFixture<CompatibilityPortal>
{
    /// <summary>The plan of <paramref name="sql"/> after <paramref name="setUp"/>, in a transaction rolled back afterwards.</summary>
    private async Task<string> PlanAsync(string sql, IReadOnlyDictionary<string, object> parameters, params string[] setUp)
    {
        await using var connection = await portal.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var step in (string[])["set local enable_seqscan = off", .. setUp])
        {
            await using var command = new NpgsqlCommand(step, connection, transaction);
            await command.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("explain " + sql, connection, transaction);
        foreach (var (name, value) in parameters)
            explain.Parameters.Add(value is string[] ? new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = value } : new NpgsqlParameter(name, value));
        var lines = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                lines.Add(reader.GetString(0));
        }
        await transaction.RollbackAsync();
        return string.Join('\n', lines);
    }

    private Task<string> LeasePlanAsync(params string[] setUp) => PlanAsync(JobQueue.LeaseSql, new Dictionary<string, object>
    {
        ["agent"] = Guid.NewGuid(), ["organization"] = Guid.NewGuid(), ["consortium"] = false, ["free"] = new[] { "cuda:0" },
        ["lease"] = Guid.NewGuid(), ["expires"] = DateTimeOffset.UtcNow.AddMinutes(10), ["now"] = DateTimeOffset.UtcNow,
    }, ["drop index ix_jobs_device_queue", "drop index ix_jobs_sku_queue", .. setUp]);

    [Fact]
    public async Task An_index_of_queued_jobs_by_age_on_status_alone_is_one_the_lease_would_read()
    {
        // The check below can fail: an index filtered on the status alone, as ix_jobs_queued_age was, is taken.
        var plan = await LeasePlanAsync("create index ix_probe_queued_age on jobs (created_at) where status = 'queued'");
        Assert.Contains("ix_probe_queued_age", plan);
    }

    [Fact]
    public async Task The_lease_never_reads_the_reapers_index_of_queued_jobs_by_age()
    {
        var plan = await LeasePlanAsync();
        Assert.DoesNotContain("ix_jobs_queued_age", plan);
    }

    [Fact]
    public async Task The_reaper_reads_queued_jobs_by_age_from_its_index()
    {
        var plan = await PlanAsync(JobQueue.ExpireQueuedSql, new Dictionary<string, object>
        {
            ["now"] = DateTimeOffset.UtcNow, ["before"] = DateTimeOffset.UtcNow.AddDays(-1), ["neverTaken"] = "never taken",
            ["neverFinished"] = "never finished",
        });
        Assert.Contains("ix_jobs_queued_age", plan);
    }
}
