using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>No job leased twice under a race, none lost or duplicated when the portal restarts mid-run.</summary>
public sealed class QueueReliabilityTests
{
    private sealed class PortalOnDatabase(TestDatabaseName database) : PortalFactory(database);

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "all cases passed");

    [Fact]
    public async Task Eight_agents_racing_for_a_thousand_jobs_never_lease_one_twice()
    {
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();
        var (sku, token) = await SkuAndTokenAsync(portal);
        var agents = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
            agents.Add((await portal.RegisterAgentAsync(token, $"racer {i}", devices: AgentFixtures.Gpu("cuda:0"))).Client);
        var jobs = await QueueJobsAsync(portal, sku, 1000);

        var leased = new ConcurrentBag<Guid>();
        await Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            while (await LeaseAsync(agent) is { } lease)
            {
                leased.Add(lease.JobId);
                await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed))
                    .ExpectAsync(HttpStatusCode.OK);
            }
        })));

        Assert.Equal(1000, leased.Count);
        Assert.Equal(jobs.Order(), leased.Distinct().Order());
        var outcomes = await portal.WithDbAsync(db => db.Jobs.Where(j => jobs.Contains(j.Id))
            .GroupBy(j => new { j.Status, j.Attempts }).Select(g => new { g.Key.Status, g.Key.Attempts, Count = g.Count() }).ToListAsync());
        Assert.Equal((JobStatus.Completed, 1, 1000), (outcomes.Single().Status, outcomes.Single().Attempts, outcomes.Single().Count));
    }

    [Fact]
    public async Task A_portal_restarted_mid_run_loses_no_job_and_records_each_outcome_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            List<Guid> jobs;
            HttpClient agent;
            JobLease held;
            var completedBefore = new List<Guid>();
            string agentToken;
            await using (var first = new PortalOnDatabase(database))
            {
                await first.InitializeAsync();
                var (sku, token) = await SkuAndTokenAsync(first);
                var registered = await first.RegisterAgentAsync(token, "survivor", devices: AgentFixtures.Gpu("cuda:0"));
                agentToken = registered.Agent.Token;
                jobs = await QueueJobsAsync(first, sku, 20);
                for (var i = 0; i < 5; i++)
                {
                    var lease = (await LeaseAsync(registered.Client))!;
                    await registered.Client.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed))
                        .ExpectAsync(HttpStatusCode.OK);
                    completedBefore.Add(lease.JobId);
                }
                held = (await LeaseAsync(registered.Client))!;
            }

            // The portal is gone while the agent runs a job; a new portal process serves the same database.
            await using var second = new PortalOnDatabase(database);
            await second.InitializeAsync();
            agent = second.CreateClientWithToken(agentToken);
            await agent.PostJsonAsync($"/api/v1/agent/jobs/{held.JobId}/complete", new JobCompletion(held.LeaseId, Passed)).ExpectAsync(HttpStatusCode.OK);
            // The answer was lost, the agent retries: still one outcome.
            await agent.PostJsonAsync($"/api/v1/agent/jobs/{held.JobId}/complete", new JobCompletion(held.LeaseId, Passed)).ExpectAsync(HttpStatusCode.OK);
            var after = new List<Guid>();
            while (await LeaseAsync(agent) is { } lease)
            {
                after.Add(lease.JobId);
                await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.OK);
            }

            Assert.Equal(jobs.Order(), completedBefore.Append(held.JobId).Concat(after).Order());
            var states = await second.WithDbAsync(db => db.Jobs.Where(j => jobs.Contains(j.Id)).Select(j => new { j.Status, j.Attempts }).ToListAsync());
            Assert.All(states, s => Assert.Equal((JobStatus.Completed, 1), (s.Status, s.Attempts)));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database.Name);
        }
    }

    private static async Task<(Guid Sku, string Token)> SkuAndTokenAsync(PortalFactory portal)
    {
        var vendor = await portal.AddOrganizationAsync("NVIDIA Race", OrganizationKind.ChipDesigner, "US");
        var sku = await portal.AddSkuAsync(vendor, "H200 race", SkuCategory.Gpu, s => s.DeviceNamePatterns = ["H200"]);
        // The vendor's own agents: a SKU's patterns map only its vendor's (and the consortium's) devices.
        return (sku, await portal.CreateRegistrationTokenAsync(vendor));
    }

    /// <summary>Jobs on the SKU, written in bulk: every agent with a device of that SKU may lease any of them.</summary>
    private static Task<List<Guid>> QueueJobsAsync(PortalFactory portal, Guid sku, int count) =>
        portal.WithDbAsync(async db =>
        {
            var test = await portal.AddVectorAddTestAsync("cuda-c");
            var now = portal.Time.GetUtcNow();
            var run = new TestRun { TestId = test, Reason = RunReason.Submitted, CreatedAt = now };
            for (var i = 0; i < count; i++)
                run.Jobs.Add(new Job { TestId = test, Language = "cuda-c", TargetSkuId = sku, Status = JobStatus.Queued, MaxAttempts = 3, CreatedAt = now });
            db.TestRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Jobs.Select(j => j.Id).ToList();
        });

    private static async Task<JobLease?> LeaseAsync(HttpClient agent)
    {
        var response = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["cuda:0"], 0));
        if (response.StatusCode == HttpStatusCode.NoContent)
            return null;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JobLease>(response.Content, ApiJson.Options);
    }
}
