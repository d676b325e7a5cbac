using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Portal.Api.Jobs;

/// <summary>
/// Gathers "a job of this run changed" for a few milliseconds and sends them as one NOTIFY. A NOTIFY inside each
/// lease and completion made every such transaction take PostgreSQL's database-wide notification lock from its
/// pre-commit to the end of its commit, so commits ran one after another instead of being flushed together
/// (docs/benchmarks.md). Live pages are the only listeners, and a few milliseconds late is still live; a portal
/// stopped within those milliseconds loses them (the page shows the change at its next event or reload).
/// </summary>
public sealed class RunEventBatch(NpgsqlDataSource dataSource, ILogger<RunEventBatch> logger)
{
    /// <summary>How long the first change waits for others to join it.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(20);

    // A run id is 36 characters and a comma: 200 stay well under NOTIFY's 8,000-byte payload.
    private const int RunsPerNotification = 200;

    private readonly ConcurrentDictionary<Guid, byte> _pending = new();
    private int _scheduled;

    public void Add(Guid runId)
    {
        _pending.TryAdd(runId, 0);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            _ = SendSoonAsync();
    }

    /// <summary>The payload as <see cref="JobQueue.EventsChannel"/> carries it: run ids separated by commas.</summary>
    public static IEnumerable<Guid> Parse(string payload)
    {
        foreach (var part in payload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Guid.TryParse(part, out var run))
                yield return run;
        }
    }

    private async Task SendSoonAsync()
    {
        await Task.Delay(Gather);
        // Changes added from here on schedule the next send; those already pending go in this one.
        Volatile.Write(ref _scheduled, 0);
        var runs = new List<Guid>();
        foreach (var run in _pending.Keys)
        {
            if (_pending.TryRemove(run, out _))
                runs.Add(run);
        }
        if (runs.Count == 0)
            return;
        try
        {
            var payloads = runs.Chunk(RunsPerNotification).Select(chunk => string.Join(',', chunk)).ToArray();
            await using var command = dataSource.CreateCommand($"select pg_notify('{JobQueue.EventsChannel}', p) from unnest(@payloads) p");
            command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = payloads });
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            // Nobody awaits this send: whatever went wrong (the database, or the portal stopping under it), only live
            // pages miss the news; the jobs themselves are already recorded.
            logger.LogWarning("Could not announce changes to {Runs} run(s) ({Message}); live pages show them at their next update", runs.Count,
                e.Message);
        }
    }
}
