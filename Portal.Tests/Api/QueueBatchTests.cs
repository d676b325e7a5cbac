using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Api.Jobs;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 12: concurrent completions go to PostgreSQL as one statement, and concurrent lease calls in one round trip and one
/// transaction (JobQueue's batches). Fencing stays what it
/// was for a single call: each call in a batch gets its own outcome (a stale lease its Stale, another agent's call its
/// NotYours, a repeat its Repeated), a call PostgreSQL refuses fails alone, and stopping the queue answers every call
/// already made. Each test gathers its calls into one batch on purpose (a long gather window that closes when the batch is
/// full), and checks the batch counts, so that it cannot pass with the calls run one by one.
/// </summary>
public sealed class QueueBatchTests(CompatibilityPortal portal) : IClassFixture<CompatibilityPortal>
{
    private static readonly TimeSpan LongGather = TimeSpan.FromMinutes(5);

    private JobQueue BatchingQueue(int batch) => new(portal.Services.GetRequiredService<NpgsqlDataSource>(),
        portal.Services.GetRequiredService<RunEventBatch>(),
        Options.Create(new JobQueueOptions { CompletionBatchMax = batch, LeaseBatchMax = batch, BatchGatherMilliseconds = LongGather.TotalMilliseconds }));

    private static JobProvenance Verdict(string verdict) => new(verdict, $$"""{"status":"{{verdict}}","message":"batch"}""", null, null);

    private sealed record Agent(Guid Id, Guid OrganizationId);

    /// <summary>An agent with one device, holding <paramref name="jobs"/> jobs leased through the portal's own queue.</summary>
    private async Task<(Agent Agent, IReadOnlyList<LeasedJob> Leases)> AgentHoldingAsync(string name, int jobs)
    {
        var (agent, _) = await AgentWithQueuedJobsAsync(name, jobs);
        var queue = portal.Services.GetRequiredService<JobQueue>();
        var leases = new List<LeasedJob>();
        for (var i = 0; i < jobs; i++)
        {
            leases.Add(await queue.TryLeaseAsync(agent.Id, agent.OrganizationId, false, ["cuda:0"], portal.Time.GetUtcNow(), TimeSpan.FromMinutes(10),
                CancellationToken.None) ?? throw new InvalidOperationException("a submitted job was not leased"));
        }
        return (agent, leases);
    }

    /// <summary>An agent with one device ("cuda:0") and <paramref name="jobs"/> jobs queued for it.</summary>
    private async Task<(Agent Agent, IReadOnlyList<Guid> Runs)> AgentWithQueuedJobsAsync(string name, int jobs)
    {
        var lab = await portal.AddOrganizationAsync(name, OrganizationKind.ChipDesigner);
        var (_, registered) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(lab), name, devices: AgentFixtures.Gpu("cuda:0"));
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var test = await portal.AddVectorAddTestAsync("cuda-c");
        var runs = new List<Guid>();
        for (var i = 0; i < jobs; i++)
            runs.Add(await portal.SubmitAsync(test, $"device:{device}"));
        return (new Agent(registered.AgentId, lab), runs);
    }

    private Task<Job> JobAsync(Guid id) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));

    [Fact]
    public async Task Concurrent_completions_in_one_batch_each_get_their_own_outcome_and_stale_or_foreign_leases_are_refused()
    {
        var (agent, leases) = await AgentHoldingAsync("Batch Lab", 6);
        var (stranger, _) = await AgentHoldingAsync("Stranger Lab", 0);
        var now = portal.Time.GetUtcNow();
        var calls = new List<(string Name, CompletionCall Call)>();
        for (var i = 0; i < leases.Count; i++)
            calls.Add(($"current {i}", new CompletionCall(agent.Id, leases[i].JobId, leases[i].LeaseId, Verdict(i % 2 == 0 ? "passed" : "failed"), now)));
        calls.Add(("stale", new CompletionCall(agent.Id, leases[0].JobId, Guid.NewGuid(), Verdict("failed"), now)));
        calls.Add(("foreign", new CompletionCall(stranger.Id, leases[1].JobId, leases[1].LeaseId, Verdict("failed"), now)));
        calls.Add(("repeat", new CompletionCall(agent.Id, leases[2].JobId, leases[2].LeaseId, Verdict("passed"), now)));
        calls.Add(("unknown job", new CompletionCall(agent.Id, Guid.NewGuid(), Guid.NewGuid(), Verdict("passed"), now)));

        await using var queue = BatchingQueue(calls.Count);
        var answers = await Task.WhenAll(calls.Select(c =>
            queue.CompleteAsync(c.Call.AgentId, c.Call.JobId, c.Call.LeaseId, c.Call.Outcome, c.Call.Now, CancellationToken.None)));
        Assert.Equal((1L, (long)calls.Count), queue.CompletionBatches);

        var byName = calls.Select((c, i) => (c.Name, answers[i])).ToDictionary(a => a.Name, a => a.Item2);
        foreach (var i in new[] { 0, 1, 3, 4, 5 })
            Assert.Equal((LeaseCheck.Done, false), byName[$"current {i}"]);
        // Two calls with job 2's current lease: one wrote it, the other is its repeat; which is which is the database's choice.
        Assert.Equal([(LeaseCheck.Done, false), (LeaseCheck.Done, true)],
            new[] { byName["current 2"], byName["repeat"] }.OrderBy(a => a.Item2).ToArray());
        Assert.Equal((LeaseCheck.Stale, false), byName["stale"]);
        Assert.Equal((LeaseCheck.NotYours, false), byName["foreign"]);
        Assert.Equal((LeaseCheck.NotFound, false), byName["unknown job"]);
        for (var i = 0; i < leases.Count; i++)
        {
            var job = await JobAsync(leases[i].JobId);
            Assert.Equal((JobStatus.Completed, (string?)(i % 2 == 0 ? "passed" : "failed"), (Guid?)agent.Id, (Guid?)agent.OrganizationId),
                (job.Status, job.Verdict, job.AgentId, job.AgentOrganizationId));
        }
    }

    [Fact]
    public async Task A_call_refused_by_the_database_fails_alone_and_every_other_call_of_its_batch_is_recorded_as_its_own()
    {
        var (agent, leases) = await AgentHoldingAsync("Bad Row Lab", 5);
        var now = portal.Time.GetUtcNow();
        const int bad = 2;
        await using var queue = BatchingQueue(leases.Count);
        var calls = leases.Select((lease, i) => queue.CompleteAsync(agent.Id, lease.JobId, lease.LeaseId,
            i == bad ? new JobProvenance("passed", "{not json", null, null) : Verdict(i % 2 == 0 ? "passed" : "failed"), now,
            CancellationToken.None)).ToArray();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => calls[bad]);
        Assert.Equal(PostgresErrorCodes.InvalidTextRepresentation, refused.SqlState);
        for (var i = 0; i < leases.Count; i++)
        {
            if (i != bad)
                Assert.Equal((LeaseCheck.Done, false), await calls[i]);
        }
        for (var i = 0; i < leases.Count; i++)
        {
            var job = await JobAsync(leases[i].JobId);
            if (i == bad)
            {
                Assert.Equal((JobStatus.Leased, (string?)null, (Guid?)leases[i].LeaseId), (job.Status, job.Verdict, job.LeaseId));
                continue;
            }
            Assert.Equal((JobStatus.Completed, (string?)(i % 2 == 0 ? "passed" : "failed")), (job.Status, job.Verdict));
        }
        // The batch of five was refused whole and run again call by call: four single batches went through.
        Assert.Equal((4L, 4L), queue.CompletionBatches);
        // The bad call's job is still held by its lease, which can still complete it.
        Assert.Equal((LeaseCheck.Done, false), await queue.CompleteAsync(agent.Id, leases[bad].JobId, leases[bad].LeaseId, Verdict("passed"), now,
            CancellationToken.None));
    }

    [Fact]
    public async Task Stopping_the_queue_answers_every_completion_still_gathering_and_a_later_one_runs_alone()
    {
        var (agent, leases) = await AgentHoldingAsync("Shutdown Lab", 4);
        var now = portal.Time.GetUtcNow();
        // A batch of up to 100 with a five-minute window: without the flush these four would wait for the window.
        var queue = BatchingQueue(100);
        var waiting = leases.Take(3).Select(lease => queue.CompleteAsync(agent.Id, lease.JobId, lease.LeaseId, Verdict("passed"), now,
            CancellationToken.None)).ToArray();

        await queue.DisposeAsync();
        Assert.All(waiting, call => Assert.True(call.IsCompletedSuccessfully));
        Assert.All(waiting, call => Assert.Equal((LeaseCheck.Done, false), call.Result));
        Assert.Equal((1L, 3L), queue.CompletionBatches);

        Assert.Equal((LeaseCheck.Done, false), await queue.CompleteAsync(agent.Id, leases[3].JobId, leases[3].LeaseId, Verdict("passed"), now,
            CancellationToken.None));
        foreach (var lease in leases)
            Assert.Equal(JobStatus.Completed, (await JobAsync(lease.JobId)).Status);
    }

    [Fact]
    public async Task Concurrent_lease_calls_in_one_batch_never_get_one_job_twice_and_each_holds_the_lease_it_was_given()
    {
        var (agent, runs) = await AgentWithQueuedJobsAsync("Lease Batch Lab", 5);
        const int calls = 7;
        await using var queue = BatchingQueue(calls);
        var leases = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => queue.TryLeaseAsync(agent.Id, agent.OrganizationId, false, ["cuda:0"],
            portal.Time.GetUtcNow(), TimeSpan.FromMinutes(10), CancellationToken.None)));
        Assert.Equal((1L, (long)calls), queue.LeaseBatches);

        var granted = leases.OfType<LeasedJob>().ToList();
        Assert.Equal(runs.Count, granted.Count);
        Assert.Equal(runs.Count, granted.Select(l => l.JobId).Distinct().Count());
        foreach (var lease in granted)
        {
            var job = await JobAsync(lease.JobId);
            Assert.Equal((JobStatus.Leased, (Guid?)lease.LeaseId, (Guid?)agent.Id, 1), (job.Status, job.LeaseId, job.AgentId, job.Attempts));
            Assert.Equal("vector_add", System.Text.Json.JsonDocument.Parse(lease.Spec).RootElement.GetProperty("op").GetString());
        }
    }

    [Fact]
    public async Task Lease_batches_running_at_once_never_grant_one_job_twice()
    {
        var (agent, runs) = await AgentWithQueuedJobsAsync("Lease In Flight Lab", 30);
        await using var queue = new JobQueue(portal.Services.GetRequiredService<NpgsqlDataSource>(), portal.Services.GetRequiredService<RunEventBatch>(),
            Options.Create(new JobQueueOptions { LeaseBatchMax = 3, LeaseBatchesInFlight = 4 }));
        var leases = await Task.WhenAll(Enumerable.Range(0, 45).Select(_ => Task.Run(() => queue.TryLeaseAsync(agent.Id, agent.OrganizationId, false,
            ["cuda:0"], portal.Time.GetUtcNow(), TimeSpan.FromMinutes(10), CancellationToken.None))));

        var granted = leases.OfType<LeasedJob>().ToList();
        Assert.Equal(runs.Count, granted.Count);
        Assert.Equal(runs.Count, granted.Select(l => l.JobId).Distinct().Count());
        var held = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.AgentId == agent.Id)
            .Select(j => new { j.Id, j.LeaseId, j.Status }).ToListAsync());
        Assert.All(held, j => Assert.Equal(JobStatus.Leased, j.Status));
        Assert.Equal(granted.Select(l => (l.JobId, (Guid?)l.LeaseId)).Order(), held.Select(j => (j.Id, j.LeaseId)).Order());
        Assert.True(queue.LeaseBatches.Batches >= 15, $"45 calls went in {queue.LeaseBatches.Batches} batches of at most 3");
    }
}
