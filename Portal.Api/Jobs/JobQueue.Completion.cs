using Npgsql;
using NpgsqlTypes;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>One agent's completion of one job, as it waits in the completion batch.</summary>
public sealed record CompletionCall(Guid AgentId, Guid JobId, Guid LeaseId, JobProvenance Outcome, DateTimeOffset Now);

public sealed partial class JobQueue
{
    private readonly StatementBatch<CompletionCall, (LeaseCheck Check, bool Repeated)> _completions;

    /// <summary>Completion batches run so far and the completions in them.</summary>
    public (long Batches, long Calls) CompletionBatches => _completions.Counts;

    // One statement for a whole batch of completions (one row of the arrays each, numbered by "with ordinality"): a row is
    // written only where its lease is still current, exactly as one call's statement was. Two calls for one job in a
    // batch write it at most once (an UPDATE changes a row once); the other is classified afterwards like any repeat.
    private const string CompleteSql = $"""
        update jobs j
           set status = '{JobStatuses.CompletedName}', verdict = c.verdict, result = c.result::jsonb, finished_at = c.now, lease_expires_at = null,
               started_at = coalesce(j.started_at, j.leased_at),
               agent_organization_id = a.organization_id, sku_id = d.sku_id, device_name = d.name,
               driver_version = d.driver_version, agent_version = coalesce(c.agent_version, a.agent_version),
               engine_version = coalesce(c.engine_version, a.engine_version),
               verified = (o.kind = 'consortium'),
               {TimingLimits.SetSql}
          from unnest(@jobs, @leases, @agents, @verdicts, @results, @nows, @agentVersions, @engineVersions, @gbs, @gflops, @dtypes)
                 with ordinality as c(job, lease, agent, verdict, result, now, agent_version, engine_version, gb, gflop, dtype, n)
          join agents a on a.id = c.agent
          join organizations o on o.id = a.organization_id
          join agent_devices d on d.agent_id = c.agent
        {TimingLimits.DeviceLimitsSql}
         where j.id = c.job and j.lease_id = c.lease and j.agent_id = c.agent and d.id = j.device_id
           and j.status in ('{JobStatuses.LeasedName}', '{JobStatuses.RunningName}')
        returning c.n, j.run_id
        """;

    // Why each call of a batch that wrote nothing changed nothing (ClassifyAsync for many): read after the batch committed.
    private const string ClassifySql = """
        select c.n, j.status, j.lease_id, c.agent = any(j.lease_holders)
          from unnest(@jobs, @agents) with ordinality as c(job, agent, n)
          left join jobs j on j.id = c.job
        """;

    /// <summary>
    /// Records the outcome, once: the same lease completing again is answered Done without a second write (Repeated), a
    /// stale or foreign lease is refused, and the device's SKU, organisation and versions are copied as provenance. The timing is
    /// held against the device's limits here, in the same statement, by the check every recorded result goes through
    /// (<see cref="TimingLimits"/>): a figure over its limit marks the job suspect; the verdict stands.
    /// Completions made at the same moment go to the database together (<see cref="StatementBatch{TCall,TAnswer}"/>): one
    /// statement and one commit for all, each call answered with its own outcome.
    /// </summary>
    /// <param name="cancellationToken">Only checked before the call is queued: once in a batch, it is recorded or refused
    /// with the others, and the answer says which.</param>
    public Task<(LeaseCheck Check, bool Repeated)> CompleteAsync(Guid agentId, Guid jobId, Guid leaseId, JobProvenance outcome, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _completions.RunAsync(new CompletionCall(agentId, jobId, leaseId, outcome, now));
    }

    private async Task<IReadOnlyList<(LeaseCheck Check, bool Repeated)>> CompleteBatchAsync(IReadOnlyList<CompletionCall> calls)
    {
        var answers = new (LeaseCheck Check, bool Repeated)[calls.Count];
        var written = new bool[calls.Count];
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var command = new NpgsqlCommand(CompleteSql, connection))
        {
            Add(command, "jobs", NpgsqlDbType.Uuid, calls.Select(c => c.JobId).ToArray());
            Add(command, "leases", NpgsqlDbType.Uuid, calls.Select(c => c.LeaseId).ToArray());
            Add(command, "agents", NpgsqlDbType.Uuid, calls.Select(c => c.AgentId).ToArray());
            Add(command, "verdicts", NpgsqlDbType.Text, calls.Select(c => c.Outcome.Verdict).ToArray());
            Add(command, "results", NpgsqlDbType.Text, calls.Select(c => c.Outcome.ResultJson).ToArray());
            Add(command, "nows", NpgsqlDbType.TimestampTz, calls.Select(c => c.Now).ToArray());
            Add(command, "agentVersions", NpgsqlDbType.Text, calls.Select(c => c.Outcome.AgentVersion).ToArray());
            Add(command, "engineVersions", NpgsqlDbType.Text, calls.Select(c => c.Outcome.EngineVersion).ToArray());
            Add(command, "gbs", NpgsqlDbType.Double, calls.Select(c => c.Outcome.GbPerSecond).ToArray());
            Add(command, "gflops", NpgsqlDbType.Double, calls.Select(c => c.Outcome.GflopPerSecond).ToArray());
            Add(command, "dtypes", NpgsqlDbType.Text, calls.Select(c => c.Outcome.Dtype).ToArray());
            await command.PrepareAsync();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var index = (int)reader.GetInt64(0) - 1;
                written[index] = true;
                answers[index] = (LeaseCheck.Done, false);
                events.Add(reader.GetGuid(1));
            }
        }
        if (written.All(w => w))
            return answers;

        // The rest: repeats of a recorded completion (Done, Repeated), or refused.
        var rest = Enumerable.Range(0, calls.Count).Where(i => !written[i]).ToArray();
        await using (var command = new NpgsqlCommand(ClassifySql, connection))
        {
            Add(command, "jobs", NpgsqlDbType.Uuid, rest.Select(i => calls[i].JobId).ToArray());
            Add(command, "agents", NpgsqlDbType.Uuid, rest.Select(i => calls[i].AgentId).ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var index = rest[(int)reader.GetInt64(0) - 1];
                var check = reader.IsDBNull(1)
                    ? LeaseCheck.NotFound
                    : Classify(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), !reader.IsDBNull(3) && reader.GetBoolean(3),
                        calls[index].LeaseId, completed: true);
                answers[index] = (check, check == LeaseCheck.Done);
            }
        }
        return answers;
    }

    private static void Add<T>(NpgsqlCommand command, string name, NpgsqlDbType elementType, T[] values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values });
}
