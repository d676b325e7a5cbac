using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>A job an agent now holds: what the lease call answers.</summary>
public sealed record LeasedJob(Guid JobId, Guid LeaseId, DateTimeOffset ExpiresAt, Guid DeviceId, string DeviceLocalId,
    int Attempt, int MaxAttempts, string Spec);

/// <summary>What an agent's call about a held job came to.</summary>
public enum LeaseCheck
{
    /// <summary>The call was applied (or, for a completion, had already been applied with this lease).</summary>
    Done,
    /// <summary>The job was cancelled: the agent stops it.</summary>
    Cancelled,
    /// <summary>This agent held the job once, but its lease is no longer the current one (expired, re-leased, finished).</summary>
    Stale,
    /// <summary>The job was never leased to this agent.</summary>
    NotYours,
    NotFound,
}

/// <summary>What an agent knows about itself and the device a result came from, recorded with the outcome.</summary>
/// <param name="GbPerSecond">The timing's bandwidth, when the result has one and it is finite (what the suspect check reads).</param>
/// <param name="GflopPerSecond">The timing's FLOP rate, likewise.</param>
/// <param name="Dtype">The dtype the timing's rates are at (f32, f16, bf16, fp8e4m3, fp8e5m2): which datasheet FLOP rate holds them.</param>
public sealed record JobProvenance(string Verdict, string ResultJson, string? AgentVersion, string? EngineVersion,
    double? GbPerSecond = null, double? GflopPerSecond = null, string? Dtype = null);

/// <summary>
/// The queue's hot path in SQL. EF cannot say "take the oldest matching job nobody else is taking" (FOR UPDATE
/// SKIP LOCKED) or "change it only if this lease is still current" in one statement; these do, so that two agents
/// never hold one job and a stale lease never writes an outcome. Times come from the caller's clock (TimeProvider).
/// Changes of a job's state are announced to live pages through <see cref="RunEventBatch"/>, never from inside these
/// statements: a NOTIFY in a transaction serialises its commit with every other notifying commit.
/// The hot statements (lease, extend, complete) are prepared explicitly, in a round trip of their own, once per pooled
/// connection: planned once instead of on every call, and unlike Npgsql's auto-prepare (off, see PortalDataExtensions) a
/// later Bind that PostgreSQL refuses cannot leave a half-prepared statement behind (PooledConnectionTests).
/// </summary>
public sealed partial class JobQueue : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly RunEventBatch events;

    /// <param name="options">The batching figures (<see cref="JobQueueOptions"/>); absent: the defaults.</param>
    public JobQueue(NpgsqlDataSource dataSource, RunEventBatch events, IOptions<JobQueueOptions>? options = null)
    {
        this.dataSource = dataSource;
        this.events = events;
        var batching = options?.Value ?? new JobQueueOptions();
        var gather = TimeSpan.FromMilliseconds(batching.BatchGatherMilliseconds);
        _completions = new StatementBatch<CompletionCall, (LeaseCheck, bool)>(CompleteBatchAsync, batching.CompletionBatchMax, gather,
            batching.CompletionBatchesInFlight);
        _leases = new StatementBatch<LeaseCall, LeaseRow?>(LeaseBatchAsync, batching.LeaseBatchMax, gather, batching.LeaseBatchesInFlight);
    }

    private readonly StatementBatch<LeaseCall, LeaseRow?> _leases;

    /// <summary>Lease batches run so far and the lease calls in them.</summary>
    public (long Batches, long Calls) LeaseBatches => _leases.Counts;

    /// <summary>Runs the calls already taken into a batch, then stops batching (a later call runs alone).</summary>
    public async ValueTask DisposeAsync()
    {
        await _leases.DisposeAsync();
        await _completions.DisposeAsync();
    }

    // Specs by test id, with the row version they were read at. Bounded: a portal serving more distinct tests than this
    // at once re-reads specs now and then.
    private const int MaxCachedSpecs = 4096;
    private readonly ConcurrentDictionary<Guid, (long Version, string Spec)> _specs = new();

    /// <summary>NOTIFY channel: a job became leasable. Waiting lease calls wake on it.</summary>
    public const string QueuedChannel = "portal_jobs_queued";

    /// <summary>NOTIFY channel: a job of each run named in the payload (ids separated by commas) changed state. Live pages refresh on it.</summary>
    public const string EventsChannel = "portal_job_events";

    // The matching rule: a queued job in a language the device accepts, aimed at the device itself or at its SKU, of a
    // test the agent may lease (LeaseRule: a private test goes only to agents of its own organisation or of the consortium).
    // Fair first, then oldest: within one target (a pool), jobs go by fair_rank (JobSubmitter gives each organisation's jobs
    // consecutive ranks starting no earlier than the pool's head, see AllocateFairRanksAsync), so one organisation's
    // 10,000 queued jobs take turns with another's one instead of going first. A job another agent is taking right now is
    // skipped rather than waited for. Each target kind has its own branch that reads its index (ix_jobs_device_queue /
    // ix_jobs_sku_queue) in order and stops at the first lockable row, so the cost does not grow with the queue; the older
    // of the candidates wins. The other candidates stay locked only until this statement commits. The spec is not read
    // here (detoasting and converting it on every lease cost a fifth of the statement): the test's row version comes back
    // and SpecAsync answers from a cache keyed by it.
    internal const string LeaseSql = $"""
        with device as (
            select d.id, d.local_id, d.sku_id, d.languages
              from agent_devices d
             where d.agent_id = @agent and d.present and d.local_id = any(@free)
        ),
        candidate as (
            select c.id, c.device_id, c.local_id, c.test_version
              from (
                select q.id, q.created_at, q.test_version, dv.id as device_id, dv.local_id
                  from device dv
                 cross join lateral (
                    select j.id, j.created_at, t.xmin::text::bigint as test_version
                      from jobs j join compatibility_tests t on t.id = j.test_id
                     where j.status = '{JobStatuses.QueuedName}' and j.target_device_id = dv.id and j.language = any(dv.languages)
                       and {LeaseRule.Sql}
                     order by j.fair_rank, j.created_at, j.id
                     limit 1
                       for update of j skip locked) q
                union all
                select q.id, q.created_at, q.test_version, dv.id, dv.local_id
                  from device dv
                 cross join lateral (
                    select j.id, j.created_at, t.xmin::text::bigint as test_version
                      from jobs j join compatibility_tests t on t.id = j.test_id
                     where j.status = '{JobStatuses.QueuedName}' and dv.sku_id is not null and j.target_sku_id = dv.sku_id and j.language = any(dv.languages)
                       and {LeaseRule.Sql}
                     order by j.fair_rank, j.created_at, j.id
                     limit 1
                       for update of j skip locked) q
              ) c
             order by c.created_at, c.id
             limit 1
        )
        update jobs j
           set status = '{JobStatuses.LeasedName}', lease_id = @lease, lease_expires_at = @expires, leased_at = @now, started_at = null,
               attempts = j.attempts + 1, agent_id = @agent, device_id = c.device_id,
               lease_holders = case when @agent = any(j.lease_holders) then j.lease_holders else j.lease_holders || @agent end
          from candidate c
         where j.id = c.id
        returning j.id, c.device_id, c.local_id, j.attempts, j.max_attempts, j.test_id, c.test_version, j.run_id
        """;

    /// <param name="consortium">The agent belongs to the consortium itself, which may run private tests.</param>
    /// <param name="leaseId">The lease id to grant; null: a fresh random one. A completion's next job gets <see cref="NextLeaseId"/>.</param>
    /// <param name="cancellationToken">Only checked before the call is queued: once in a batch, a job may be granted, and the
    /// caller gets it (to hand it back if it no longer wants it).</param>
    /// <remarks>Lease calls made at the same moment go to the database together (<see cref="StatementBatch{TCall,TAnswer}"/>):
    /// one round trip and one commit, each call's statement its own, so each grants what it would have granted alone.</remarks>
    public async Task<LeasedJob?> TryLeaseAsync(Guid agentId, Guid organizationId, bool consortium, IReadOnlyList<string> freeDevices,
        DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken, Guid? leaseId = null)
    {
        if (freeDevices.Count == 0)
            return null;
        cancellationToken.ThrowIfCancellationRequested();
        var call = new LeaseCall(agentId, organizationId, consortium, [.. freeDevices], leaseId ?? Guid.NewGuid(), now, now + leaseFor);
        return await _leases.RunAsync(call) is { } row ? await ToLeasedJobAsync(row, call.LeaseId, call.ExpiresAt, cancellationToken) : null;
    }

    private sealed record LeaseCall(Guid AgentId, Guid OrganizationId, bool Consortium, string[] FreeDevices, Guid LeaseId, DateTimeOffset Now,
        DateTimeOffset ExpiresAt);

    /// <summary>What the lease statement answers about the job it granted.</summary>
    private sealed record LeaseRow(Guid JobId, Guid DeviceId, string DeviceLocalId, int Attempt, int MaxAttempts, Guid TestId, long TestVersion,
        Guid RunId);

    // The batch's statements run in order in one implicit transaction: a job the first one granted is no longer queued for
    // the second (a statement sees what the earlier ones of its transaction wrote), so two calls never get one job.
    private async Task<IReadOnlyList<LeaseRow?>> LeaseBatchAsync(IReadOnlyList<LeaseCall> calls)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var call in calls)
        {
            var command = new NpgsqlBatchCommand(LeaseSql);
            command.Parameters.Add(new NpgsqlParameter("agent", call.AgentId));
            command.Parameters.Add(new NpgsqlParameter("organization", call.OrganizationId));
            command.Parameters.Add(new NpgsqlParameter("consortium", call.Consortium));
            command.Parameters.Add(new NpgsqlParameter("free", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = call.FreeDevices });
            command.Parameters.Add(new NpgsqlParameter("lease", call.LeaseId));
            command.Parameters.Add(new NpgsqlParameter("expires", call.ExpiresAt));
            command.Parameters.Add(new NpgsqlParameter("now", call.Now));
            batch.BatchCommands.Add(command);
        }
        await batch.PrepareAsync();
        var rows = new LeaseRow?[calls.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        for (var i = 0; i < calls.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync())
                throw new InvalidOperationException($"A batch of {calls.Count} lease statements answered {i} results.");
            if (await reader.ReadAsync())
                rows[i] = ReadLeaseRow(reader);
        }
        return rows;
    }

    private static LeaseRow ReadLeaseRow(NpgsqlDataReader reader) => new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3),
        reader.GetInt32(4), reader.GetGuid(5), reader.GetInt64(6), reader.GetGuid(7));

    /// <summary>
    /// The lease id of the job leased together with the completion of <paramref name="completedLease"/> (a completion that
    /// asks for the next job): derived from it, so that a repeat of that completion, sent because its answer was lost,
    /// finds the job it leased (<see cref="ReofferAsync"/>) instead of leaving it held by an agent that does not know of it.
    /// Predictable only to the agent that holds the completed lease, and every call about a job checks the agent too.
    /// </summary>
    public static Guid NextLeaseId(Guid completedLease)
    {
        Span<byte> input = stackalloc byte[21];
        "next:"u8.CopyTo(input);
        completedLease.TryWriteBytes(input[5..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // RFC 9562 version 8: custom
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>
    /// Hands back a job this agent holds under <paramref name="leaseId"/> and has not started, on one of its free devices,
    /// with its expiry moved on: the answer that carried it was lost. Null when there is none.
    /// </summary>
    public async Task<LeasedJob?> ReofferAsync(Guid agentId, Guid leaseId, IReadOnlyList<string> freeDevices, DateTimeOffset now, TimeSpan leaseFor,
        CancellationToken cancellationToken)
    {
        const string sql = $"""
            update jobs j
               set lease_expires_at = @expires
              from agent_devices d
             where j.lease_id = @lease and j.agent_id = @agent and j.status = '{JobStatuses.LeasedName}'
               and d.id = j.device_id and d.agent_id = @agent and d.local_id = any(@free)
            returning j.id, d.id, d.local_id, j.attempts, j.max_attempts, j.test_id,
                      (select t.xmin::text::bigint from compatibility_tests t where t.id = j.test_id), j.run_id
            """;
        if (freeDevices.Count == 0)
            return null;
        await using var command = dataSource.CreateCommand(sql);
        var expires = now + leaseFor;
        command.Parameters.Add(new NpgsqlParameter("agent", agentId));
        command.Parameters.Add(new NpgsqlParameter("lease", leaseId));
        command.Parameters.Add(new NpgsqlParameter("free", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = freeDevices.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("expires", expires));
        return await ReadLeaseAsync(command, leaseId, expires, cancellationToken);
    }

    private async Task<LeasedJob?> ReadLeaseAsync(NpgsqlCommand command, Guid lease, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        LeaseRow row;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            row = ReadLeaseRow(reader);
        }
        return await ToLeasedJobAsync(row, lease, expires, cancellationToken);
    }

    private async Task<LeasedJob> ToLeasedJobAsync(LeaseRow row, Guid lease, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        events.Add(row.RunId);
        // The job is held now: its test cannot lose the job (deleting a test deletes its jobs), so a spec is there to read.
        var spec = await SpecAsync(row.TestId, row.TestVersion, cancellationToken);
        return new LeasedJob(row.JobId, lease, expires, row.DeviceId, row.DeviceLocalId, row.Attempt, row.MaxAttempts, spec);
    }

    /// <summary>
    /// A test's spec as of row version <paramref name="version"/> (its xmin, which any change to the test moves on): from the
    /// cache when that version is there, else read once. A test edited since the lease gets its newer spec, as a lease a
    /// moment later would have.
    /// </summary>
    private async Task<string> SpecAsync(Guid testId, long version, CancellationToken cancellationToken)
    {
        if (_specs.TryGetValue(testId, out var cached) && cached.Version == version)
            return cached.Spec;
        await using var command = dataSource.CreateCommand("select spec::text, xmin::text::bigint from compatibility_tests where id = @test");
        command.Parameters.Add(new NpgsqlParameter("test", testId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException($"The test {testId} of a job just leased is gone.");
        var spec = reader.GetString(0);
        if (_specs.Count >= MaxCachedSpecs)
            _specs.Clear();
        _specs[testId] = (reader.GetInt64(1), spec);
        return spec;
    }

    /// <summary>Moves the lease's expiry on; <paramref name="running"/> also records that the kernel started.</summary>
    /// <paramref name="progress"/>, when given, is recorded in the same statement, so it is fenced by the lease like the extension.
    public async Task<(LeaseCheck Check, DateTimeOffset? ExpiresAt)> ExtendAsync(Guid agentId, Guid jobId, Guid leaseId, bool running,
        DateTimeOffset now, TimeSpan leaseFor, CancellationToken cancellationToken, JobProgress? progress = null)
    {
        const string sql = $"""
            update jobs
               set lease_expires_at = @expires,
                   progress = coalesce(@progress::jsonb, progress),
                   status = case when @running then '{JobStatuses.RunningName}' else status end,
                   started_at = case when @running and started_at is null then @now else started_at end
             where id = @job and lease_id = @lease and agent_id = @agent and status in ('{JobStatuses.LeasedName}', '{JobStatuses.RunningName}')
            returning run_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var expires = now + leaseFor;
        AddCall(command, agentId, jobId, leaseId);
        command.Parameters.Add(new NpgsqlParameter("expires", expires));
        command.Parameters.Add(new NpgsqlParameter("running", running));
        command.Parameters.Add(new NpgsqlParameter("now", now));
        command.Parameters.Add(new NpgsqlParameter("progress", progress is null ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(progress, AgentProtocol.Json))
        {
            NpgsqlDbType = NpgsqlDbType.Text,
        });
        await command.PrepareAsync(cancellationToken);
        // A row back means the lease was current and is now extended.
        if (await command.ExecuteScalarAsync(cancellationToken) is Guid run)
        {
            if (running || progress is not null)
                events.Add(run);
            return (LeaseCheck.Done, expires);
        }
        var check = await ClassifyAsync(agentId, jobId, leaseId, cancellationToken);
        return (check, null);
    }

    /// <summary>Hands a held job back to the queue without using up the attempt (the agent is shutting down).</summary>
    public async Task<LeaseCheck> ReleaseAsync(Guid agentId, Guid jobId, Guid leaseId, CancellationToken cancellationToken)
    {
        const string sql = $"""
            update jobs
               set status = '{JobStatuses.QueuedName}', lease_id = null, lease_expires_at = null, started_at = null,
                   attempts = greatest(attempts - 1, 0)
             where id = @job and lease_id = @lease and agent_id = @agent and status in ('{JobStatuses.LeasedName}', '{JobStatuses.RunningName}')
            returning run_id, pg_notify('portal_jobs_queued', '')
            """;
        // The "queued" wake-up stays in the statement: rare (an agent shutting down), and a waiting agent must not miss it.
        await using var command = dataSource.CreateCommand(sql);
        AddCall(command, agentId, jobId, leaseId);
        if (await command.ExecuteScalarAsync(cancellationToken) is Guid run)
        {
            events.Add(run);
            return LeaseCheck.Done;
        }
        var check = await ClassifyAsync(agentId, jobId, leaseId, cancellationToken);
        return check == LeaseCheck.Cancelled ? LeaseCheck.Done : check;
    }

    /// <summary>Cancels a job that has no outcome yet; an agent holding it learns so at its next lease extension.</summary>
    /// <returns>The job's run, or null when the job was already final (or does not exist).</returns>
    public async Task<Guid?> CancelAsync(Guid jobId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string sql = $"""
            update jobs
               set status = '{JobStatuses.CancelledName}', cancel_requested = true, finished_at = @now, failure_reason = @reason, retry_at = null
             where id = @job and status not in ('{JobStatuses.CompletedName}', '{JobStatuses.FailedName}', '{JobStatuses.CancelledName}', '{JobStatuses.ExpiredName}')
            returning run_id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("job", jobId));
        command.Parameters.Add(new NpgsqlParameter("reason", reason));
        command.Parameters.Add(new NpgsqlParameter("now", now));
        if (await command.ExecuteScalarAsync(cancellationToken) is not Guid run)
            return null;
        events.Add(run);
        return run;
    }

    /// <summary>
    /// The reaper's pass: a held job whose lease expired goes to Retrying with an exponential backoff, or to Failed
    /// with the reason after its last attempt; a Retrying job whose time came goes back to the queue.
    /// </summary>
    public async Task<ReapResult> ReapAsync(DateTimeOffset now, TimeSpan backoff, TimeSpan maxBackoff, CancellationToken cancellationToken)
    {
        const string expire = $"""
            update jobs
               set status = case when attempts >= max_attempts then '{JobStatuses.FailedName}' else '{JobStatuses.RetryingName}' end,
                   retry_at = case when attempts >= max_attempts then null
                                   else @now + least(@backoff * power(2, attempts - 1), @maxBackoff) end,
                   finished_at = case when attempts >= max_attempts then @now else null end,
                   failure_reason = case when attempts >= max_attempts
                       then 'the lease expired on each of ' || max_attempts || ' attempt(s): the agent stopped reporting (killed, lost its network or its host went down)'
                       else failure_reason end,
                   lease_id = null, lease_expires_at = null
             where status in ('{JobStatuses.LeasedName}', '{JobStatuses.RunningName}') and lease_expires_at < @now
            returning run_id, status
            """;
        const string requeue = $"""
            update jobs set status = '{JobStatuses.QueuedName}', retry_at = null
             where status = '{JobStatuses.RetryingName}' and retry_at <= @now
            returning run_id
            """;
        var runs = new HashSet<Guid>();
        int expired = 0, failed = 0, requeued = 0;
        await using (var command = dataSource.CreateCommand(expire))
        {
            command.Parameters.Add(new NpgsqlParameter("now", now));
            command.Parameters.Add(new NpgsqlParameter("backoff", backoff));
            command.Parameters.Add(new NpgsqlParameter("maxBackoff", maxBackoff));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                runs.Add(reader.GetGuid(0));
                expired++;
                if (reader.GetString(1) == "failed")
                    failed++;
            }
        }
        await using (var command = dataSource.CreateCommand(requeue))
        {
            command.Parameters.Add(new NpgsqlParameter("now", now));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                runs.Add(reader.GetGuid(0));
                requeued++;
            }
        }
        if (requeued > 0)
            await NotifyQueuedAsync(cancellationToken);
        foreach (var run in runs)
            events.Add(run);
        return new ReapResult(expired, failed, requeued);
    }

    // ix_jobs_queued_age holds only queued jobs, by age: its filter is said in full, so that it serves this statement.
    internal const string ExpireQueuedSql = $"""
        update jobs
           set status = '{JobStatuses.ExpiredName}', finished_at = @now, retry_at = null, lease_id = null, lease_expires_at = null,
               failure_reason = case when attempts = 0 then @neverTaken else @neverFinished end
         where {JobIndexes.QueuedByAgeSql} and created_at < @before
        returning run_id
        """;

    /// <summary>
    /// Gives up on jobs still queued that were submitted before <paramref name="submittedBefore"/>: Expired, with the
    /// reason (one for a job no agent ever took, one for a job whose leases were all lost), so that nothing waits forever.
    /// </summary>
    /// <returns>How many jobs were given up.</returns>
    public async Task<int> ExpireQueuedAsync(DateTimeOffset now, DateTimeOffset submittedBefore, string neverTaken, string neverFinished,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ExpireQueuedSql);
        command.Parameters.Add(new NpgsqlParameter("now", now));
        command.Parameters.Add(new NpgsqlParameter("before", submittedBefore));
        command.Parameters.Add(new NpgsqlParameter("neverTaken", neverTaken));
        command.Parameters.Add(new NpgsqlParameter("neverFinished", neverFinished));
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(reader.GetGuid(0));
            count++;
        }
        return count;
    }

    /// <summary>
    /// Ranks for a submission of <paramref name="organizationId"/>'s jobs: for each pool (target device or SKU id) and how
    /// many jobs go there, the first of that many consecutive ranks. They start after the organisation's last rank in the
    /// pool, or at the pool's head (its lowest queued rank) if that is later: an organisation with nothing queued there
    /// goes in at the head, next to the job being served, however many another organisation has queued behind it.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, long>> AllocateFairRanksAsync(Guid organizationId, IReadOnlyDictionary<Guid, int> jobsPerPool,
        CancellationToken cancellationToken)
    {
        const string sql = $"""
            insert into job_fair_shares as s (pool_id, organization_id, last_rank, granted)
            select p.pool, @organization, coalesce(least(
                       (select j.fair_rank from jobs j where j.target_device_id = p.pool and j.status = '{JobStatuses.QueuedName}' order by j.fair_rank limit 1),
                       (select j.fair_rank from jobs j where j.target_sku_id = p.pool and j.status = '{JobStatuses.QueuedName}' order by j.fair_rank limit 1)), 0)
                   + p.n - 1, p.n
              from unnest(@pools, @counts) as p(pool, n)
            on conflict (pool_id, organization_id) do update
               set last_rank = greatest(s.last_rank + excluded.granted, excluded.last_rank), granted = excluded.granted
            returning pool_id, last_rank - granted + 1
            """;
        var ranks = new Dictionary<Guid, long>();
        if (jobsPerPool.Count == 0)
            return ranks;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("organization", organizationId));
        command.Parameters.Add(new NpgsqlParameter("pools", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = jobsPerPool.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = jobsPerPool.Values.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ranks[reader.GetGuid(0)] = reader.GetInt64(1);
        return ranks;
    }

    /// <summary>Wakes every waiting lease call, on every portal replica.</summary>
    public async Task NotifyQueuedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select pg_notify('{QueuedChannel}', '')");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Why a call about a job changed nothing: cancelled, already completed by this lease, stale, or never ours.</summary>
    private async Task<LeaseCheck> ClassifyAsync(Guid agentId, Guid jobId, Guid leaseId, CancellationToken cancellationToken, bool completed = false)
    {
        const string sql = "select status, lease_id, agent_id, @agent = any(lease_holders) from jobs where id = @job";
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("job", jobId));
        command.Parameters.Add(new NpgsqlParameter("agent", agentId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return LeaseCheck.NotFound;
        return Classify(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), !reader.IsDBNull(3) && reader.GetBoolean(3), leaseId,
            completed);
    }

    private static LeaseCheck Classify(string status, Guid? currentLease, bool heldByUs, Guid leaseId, bool completed)
    {
        if (!heldByUs)
            return LeaseCheck.NotYours;
        if (currentLease == leaseId && status == JobStatuses.CancelledName)
            return LeaseCheck.Cancelled;
        if (completed && currentLease == leaseId && status == JobStatuses.CompletedName)
            return LeaseCheck.Done;
        return LeaseCheck.Stale;
    }

    private static void AddCall(NpgsqlCommand command, Guid agentId, Guid jobId, Guid leaseId)
    {
        command.Parameters.Add(new NpgsqlParameter("agent", agentId));
        command.Parameters.Add(new NpgsqlParameter("job", jobId));
        command.Parameters.Add(new NpgsqlParameter("lease", leaseId));
    }
}

/// <param name="Expired">Held jobs whose lease expired.</param>
/// <param name="GivenUp">Queued jobs no agent took in time, now Expired.</param>
public sealed record ReapResult(int Expired, int Failed, int Requeued, int GivenUp = 0);
