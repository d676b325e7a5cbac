using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Operations;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>/api/v1/operations: queue depth per language and SKU, leases running out, failed jobs and their retry; consortium admins only.</summary>
public sealed class OperationsTests(OperationsTests.Fixture portal) : IClassFixture<OperationsTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        // The reaper's first pass comes a minute after start: an expired lease stays unreaped while these tests read it.
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Portal:Jobs:ReaperIntervalSeconds", "60")];

        public Guid Partner { get; private set; }
        public string PartnerToken { get; private set; } = "";
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient PartnerAdmin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Partner = await AddOrganizationAsync("Ops Partner", OrganizationKind.ChipDesigner);
            PartnerToken = await this.CreateRegistrationTokenAsync(Partner);
            Admin = await CreateClientForAsync(await CreateUserAsync("Ops Admin", consortiumAdmin: true));
            PartnerAdmin = await CreateClientForAsync(await CreateUserAsync("Partner Admin", false, (Partner, MemberRole.Admin)));
        }
    }

    private Task<QueueOverviewDto> OverviewAsync() => portal.Admin.GetJsonAsync<QueueOverviewDto>("/api/v1/operations/queue");

    private Task<Job> StoredAsync(Guid jobId) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

    [Fact]
    public async Task Depth_counts_queued_jobs_per_language_and_per_sku_with_the_age_of_the_oldest()
    {
        var sku = await portal.AddSkuAsync(portal.Partner, $"Depth GPU {Guid.NewGuid():N}"[..20]);
        var agent = await portal.AddAgentAsync(portal.Partner, "depth agent");
        var device = await portal.AddDeviceAsync(agent, "depth device", sku, "cuda-c");
        var test = await portal.AddTestAsync($"depth {Guid.NewGuid():N}", portal.Partner, TestVisibility.Consortium, language: "cuda-c");
        var before = await OverviewAsync();

        // Two aimed at the SKU, one at a device mapped to it, one retrying (backing off, not queued).
        var jobs = await portal.AddRunAsync(test, null, (null, sku), (null, sku), (device, null), (null, sku));
        await portal.UpdateJobAsync(jobs[3], j => (j.Status, j.RetryAt) = (JobStatus.Retrying, portal.Time.GetUtcNow().AddMinutes(1)));
        portal.Time.Advance(TimeSpan.FromSeconds(90));
        var after = await OverviewAsync();

        int Queued(QueueOverviewDto o, string language) => o.Languages.Single(l => l.Language == language).Queued;
        Assert.Equal(Queued(before, "cuda-c") + 3, Queued(after, "cuda-c"));
        Assert.Equal(Queued(before, "opencl-c"), Queued(after, "opencl-c"));
        Assert.Equal(before.Languages.Single(l => l.Language == "cuda-c").Retrying + 1, after.Languages.Single(l => l.Language == "cuda-c").Retrying);
        Assert.Equal(before.Queued + 3, after.Queued);
        Assert.Equal(KernelLanguages.Names, after.Languages.Select(l => l.Language).Take(KernelLanguages.Names.Count));
        var row = after.Skus.Single(s => s.SkuId == sku);
        Assert.Equal(3, row.Queued);
        Assert.Equal(90, row.OldestQueuedSeconds!.Value, precision: 3);
        Assert.StartsWith("Depth GPU", row.SkuName);
        Assert.True(after.OldestQueuedSeconds >= 90);
    }

    [Fact]
    public async Task Leases_expiring_soon_and_expired_ones_the_reaper_has_not_taken_back_are_counted_and_listed()
    {
        var test = await portal.AddTestAsync($"lease {Guid.NewGuid():N}", portal.Partner, TestVisibility.Consortium);
        var agent = await portal.AddAgentAsync(portal.Partner, "lease agent");
        var device = await portal.AddDeviceAsync(agent, "lease device", null, "opencl-c");
        var jobs = await portal.AddRunAsync(test, null, (device, null), (device, null), (device, null));
        var now = portal.Time.GetUtcNow();
        void Hold(Job j, TimeSpan left) => (j.Status, j.LeaseId, j.Attempts, j.AgentId, j.DeviceId, j.LeasedAt, j.LeaseExpiresAt) =
            (JobStatus.Running, Guid.NewGuid(), 1, agent, device, now, now + left);
        await portal.UpdateJobAsync(jobs[0], j => Hold(j, TimeSpan.FromSeconds(5)));     // missed its extension
        await portal.UpdateJobAsync(jobs[1], j => Hold(j, -TimeSpan.FromSeconds(5)));    // expired, not reaped
        await portal.UpdateJobAsync(jobs[2], j => Hold(j, TimeSpan.FromSeconds(55)));    // healthy

        var overview = await OverviewAsync();

        Assert.Equal(20, overview.SoonSeconds);
        Assert.Equal((1, 1), (overview.LeasesExpiringSoon, overview.LeasesExpiredNotReaped));
        Assert.Equal([jobs[1], jobs[0]], overview.Leases.Select(l => l.JobId));
        Assert.Equal([true, false], overview.Leases.Select(l => l.Expired));
        Assert.Equal(("lease agent", "lease device"), (overview.Leases[0].AgentName, overview.Leases[0].DeviceName));
    }

    [Fact]
    public async Task Only_consortium_admins_may_read_the_view_or_retry()
    {
        var test = await portal.AddTestAsync($"refused {Guid.NewGuid():N}", portal.Partner, TestVisibility.Consortium);
        var sku = await portal.AddSkuAsync(portal.Partner, $"Refused GPU {Guid.NewGuid():N}"[..22]);
        var job = (await portal.AddRunAsync(test, null, (null, sku)))[0];
        await portal.UpdateJobAsync(job, j => (j.Status, j.FailureReason, j.FinishedAt) = (JobStatus.Expired, "no agent", portal.Time.GetUtcNow()));

        await portal.PartnerAdmin.GetAsync("/api/v1/operations/queue").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.PartnerAdmin.GetAsync("/api/v1/operations/failed-jobs").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.PartnerAdmin.PostAsync($"/api/v1/operations/failed-jobs/{job}/retry", null).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.CreateAnonymousClient().GetAsync("/api/v1/operations/queue").ExpectAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(JobStatus.Expired, (await StoredAsync(job)).Status);
    }

    [Fact]
    public async Task A_retried_failed_job_is_queued_again_an_agent_leases_it_and_the_old_lease_stays_stale()
    {
        var (agentClient, agent) = await portal.RegisterAgentAsync(portal.PartnerToken, "retry agent", devices: AgentFixtures.PoclCpu);
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agent.AgentId).Select(d => d.Id).SingleAsync());
        var test = await portal.AddTestAsync($"retry {Guid.NewGuid():N}", portal.Partner, TestVisibility.Consortium);
        var jobId = (await portal.AddRunAsync(test, null, (device, null)))[0];
        var first = await agentClient.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Equal(jobId, first.JobId);
        // What the reaper does after the last attempt's lease expired.
        const string reason = "the lease expired on each of 3 attempt(s)";
        await portal.UpdateJobAsync(jobId, j => (j.Status, j.Attempts, j.LeaseId, j.LeaseExpiresAt, j.FailureReason, j.FinishedAt) =
            (JobStatus.Failed, 3, null, null, reason, portal.Time.GetUtcNow()));

        var failed = await portal.Admin.GetJsonAsync<PagedList<FailedJobDto>>("/api/v1/operations/failed-jobs?pageSize=200");
        var listed = failed.Items.Single(f => f.JobId == jobId);
        Assert.Equal((JobStatus.Failed, reason, 3, 3, "cpu-haswell-AMD EPYC 7B13", true), (listed.Status, listed.FailureReason, listed.Attempts, listed.MaxAttempts, listed.Target, listed.CanRetry));

        portal.Time.Advance(TimeSpan.FromMinutes(5));
        var retried = await portal.Admin.PostAsync($"/api/v1/operations/failed-jobs/{jobId}/retry", null).ExpectAsync<RetriedJobDto>(HttpStatusCode.OK);

        Assert.Equal((JobStatus.Queued, 3, 4), (retried.Status, retried.Attempts, retried.MaxAttempts));
        var stored = await StoredAsync(jobId);
        Assert.Equal((JobStatus.Queued, (string?)null, (DateTimeOffset?)null, portal.Time.GetUtcNow()), (stored.Status, stored.FailureReason, stored.FinishedAt, stored.CreatedAt));
        Assert.DoesNotContain(jobId, (await portal.Admin.GetJsonAsync<PagedList<FailedJobDto>>("/api/v1/operations/failed-jobs?pageSize=200")).Items.Select(f => f.JobId));
        // A second retry finds nothing to retry.
        await portal.Admin.PostAsync($"/api/v1/operations/failed-jobs/{jobId}/retry", null).ExpectAsync(HttpStatusCode.Conflict);
        await portal.Admin.PostAsync($"/api/v1/operations/failed-jobs/{Guid.NewGuid()}/retry", null).ExpectAsync(HttpStatusCode.NotFound);

        // The first lease is still fenced off: its late completion is refused, and the job is leased afresh.
        await agentClient.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/complete", new JobCompletion(first.LeaseId, new KernelResult(KernelStatus.Passed, "late")))
            .ExpectAsync(HttpStatusCode.Conflict);
        var second = await agentClient.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Equal((jobId, 4, 4), (second.JobId, second.Attempt, second.MaxAttempts));
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        await agentClient.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/complete", new JobCompletion(second.LeaseId, new KernelResult(KernelStatus.Passed, "ok")))
            .ExpectAsync(HttpStatusCode.OK);

        var audit = await portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.EntityType == "Job" && e.EntityId == jobId.ToString()));
        Assert.Equal(("retried", "Ops Admin"), (audit.Action, audit.ActorName));
        Assert.Contains(audit.Changes, c => c is { Field: "Status", Before: "failed", After: "queued" });
        Assert.Contains(audit.Changes, c => c is { Field: "FailureReason", Before: reason, After: null });
    }
}
