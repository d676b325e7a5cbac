using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Jobs;
using Portal.Contracts.Queue;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 12: leases are fair across organisations. One organisation's 10,000 queued jobs on a device do not starve another
/// organisation's one job on that device: it goes in at the head of the pool (JobQueue.AllocateFairRanksAsync) and is
/// leased within the first few leases, where oldest-first would have made it wait behind all 10,000.
/// </summary>
public sealed class FairLeaseTests(CompatibilityPortal portal) : IClassFixture<CompatibilityPortal>
{
    private const int Backlog = 10_000;

    [Fact]
    public async Task One_organisations_ten_thousand_queued_jobs_do_not_starve_another_organisations_one_job_on_the_same_device()
    {
        var big = await portal.AddOrganizationAsync("Big Backlog Lab", OrganizationKind.ChipDesigner);
        var small = await portal.AddOrganizationAsync("Small Lab", OrganizationKind.ChipDesigner);
        var operators = await portal.AddOrganizationAsync("Fair Operators", OrganizationKind.DatacenterOperator);
        var (_, registered) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(operators), "fair agent",
            devices: AgentFixtures.Gpu("cuda:0"));
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var bigTest = await portal.AddVectorAddTestAsync("cuda-c", TestVisibility.Consortium, big);
        var smallTest = await portal.AddVectorAddTestAsync("cuda-c", TestVisibility.Consortium, small);

        // The big organisation's backlog, ranked as the submitter ranks a run (10,000 runs through the API would only be slower),
        // then one more of its runs through the submitter, and only then the small organisation's one job.
        await QueueBacklogAsync(big, bigTest, device);
        await portal.SubmitAsync(bigTest, $"device:{device}");
        var smallRun = await portal.SubmitAsync(smallTest, $"device:{device}");
        var smallJob = await portal.WithDbAsync(db => db.Jobs.Where(j => j.RunId == smallRun).Select(j => j.Id).SingleAsync());

        var agent = new AgentQueueClient(new PortalConnection(portal.CreateClient(), registered.Token, TimeProvider.System));
        var leased = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var lease = await agent.LeaseAsync(new LeaseRequest(["cuda:0"], 0), CancellationToken.None);
            Assert.NotNull(lease);
            leased.Add(lease.JobId);
        }
        Assert.Contains(smallJob, leased);
        Assert.Equal(Backlog + 1, await portal.WithDbAsync(db => db.Jobs.CountAsync(j => j.TestId == bigTest)));
    }

    [Fact]
    public async Task Within_one_organisation_jobs_are_leased_oldest_first()
    {
        var lab = await portal.AddOrganizationAsync("Ordered Lab", OrganizationKind.ChipDesigner);
        var (_, registered) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(lab), "ordered agent",
            devices: AgentFixtures.Gpu("cuda:0"));
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var test = await portal.AddVectorAddTestAsync("cuda-c", TestVisibility.Consortium, lab);
        var runs = new List<Guid>();
        for (var i = 0; i < 3; i++)
            runs.Add(await portal.SubmitAsync(test, $"device:{device}"));
        var jobs = await portal.WithDbAsync(db => db.Jobs.Where(j => runs.Contains(j.RunId)).OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
            .Select(j => j.Id).ToListAsync());

        var agent = new AgentQueueClient(new PortalConnection(portal.CreateClient(), registered.Token, TimeProvider.System));
        var leased = new List<Guid>();
        for (var i = 0; i < 3; i++)
            leased.Add((await agent.LeaseAsync(new LeaseRequest(["cuda:0"], 0), CancellationToken.None))!.JobId);
        Assert.Equal(jobs, leased);
    }

    private Task QueueBacklogAsync(Guid organization, Guid test, Guid device) =>
        portal.InScopeAsync(async services =>
        {
            var ranks = await services.GetRequiredService<JobQueue>()
                .AllocateFairRanksAsync(organization, new Dictionary<Guid, int> { [device] = Backlog }, CancellationToken.None);
            var db = services.GetRequiredService<Portal.Data.PortalDbContext>();
            var now = portal.Time.GetUtcNow();
            var run = new TestRun { TestId = test, Reason = RunReason.Submitted, CreatedAt = now };
            for (var i = 0; i < Backlog; i++)
                run.Jobs.Add(new Job
                {
                    TestId = test, Language = "cuda-c", TargetDeviceId = device, Status = JobStatus.Queued, MaxAttempts = 3,
                    CreatedAt = now, FairRank = ranks[device] + i,
                });
            db.TestRuns.Add(run);
            db.Actor = Portal.Data.Audit.AuditActor.System;
            await db.SaveChangesAsync();
            return 0;
        });
}
