using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>DELETE /api/v1/jobs/{id}: the requester, the test organisation's admins and consortium admins cancel a job that has no outcome yet.</summary>
public sealed class JobCancelTests(JobCancelTests.Fixture portal) : IClassFixture<JobCancelTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid Test { get; private set; }
        public TestUser Requester { get; private set; } = null!;
        public HttpClient RequesterClient { get; private set; } = null!;
        public HttpClient Colleague { get; private set; } = null!;
        public HttpClient LabAdmin { get; private set; } = null!;
        public HttpClient Stranger { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Cancel Lab");
            var fab = await AddOrganizationAsync("Cancel Fab", OrganizationKind.ChipDesigner);
            Gpu = await this.AddSkuAsync(fab, "Cancel GPU");
            Test = await this.AddTestAsync("cancel vector_add", Lab, TestVisibility.Consortium);
            Requester = await CreateUserAsync("Requester", false, (Lab, MemberRole.Developer));
            RequesterClient = await CreateClientForAsync(Requester);
            Colleague = await CreateClientForAsync(await CreateUserAsync("Colleague", false, (Lab, MemberRole.Developer)));
            LabAdmin = await CreateClientForAsync(await CreateUserAsync("Lab Admin", false, (Lab, MemberRole.Admin)));
            Stranger = await CreateClientForAsync(await CreateUserAsync("Stranger", false, (fab, MemberRole.Admin)));
            Admin = CreateBootstrapClient();
        }
    }

    private async Task<Guid> QueuedJobAsync() => (await portal.AddRunAsync(portal.Test, portal.Requester.Id, (null, portal.Gpu)))[0];

    private Task<Job> StoredAsync(Guid jobId) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

    [Fact]
    public async Task The_requester_cancels_a_queued_job_and_the_run_is_then_completed_as_cancelled()
    {
        var jobId = await QueuedJobAsync();

        var job = await portal.RequesterClient.DeleteAsync($"/api/v1/jobs/{jobId}").ExpectAsync<JobDto>(HttpStatusCode.OK);

        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Contains("Requester", job.FailureReason);
        Assert.Equal(portal.Time.GetUtcNow(), job.FinishedAt);
        var runId = (await StoredAsync(jobId)).RunId;
        var run = await portal.RequesterClient.GetJsonAsync<RunDto>($"/api/v1/runs/{runId}");
        Assert.Equal((RunStatus.Completed, "cancelled"), (run.Status, run.Verdict));
    }

    [Fact]
    public async Task A_job_an_agent_holds_is_cancelled_and_flagged_for_the_agent()
    {
        var jobId = await QueuedJobAsync();
        await portal.UpdateJobAsync(jobId, j => (j.Status, j.LeaseId, j.Attempts) = (JobStatus.Running, Guid.NewGuid(), 1));

        await portal.LabAdmin.DeleteAsync($"/api/v1/jobs/{jobId}").ExpectAsync(HttpStatusCode.OK);

        var stored = await StoredAsync(jobId);
        Assert.Equal((JobStatus.Cancelled, true), (stored.Status, stored.CancelRequested));
    }

    [Fact]
    public async Task A_job_with_an_outcome_cannot_be_cancelled()
    {
        var completed = await QueuedJobAsync();
        await portal.CompleteJobAsync(completed, KernelStatus.Passed, portal.Time.GetUtcNow(), portal.Gpu);
        var cancelled = await QueuedJobAsync();
        await portal.RequesterClient.DeleteAsync($"/api/v1/jobs/{cancelled}").ExpectAsync(HttpStatusCode.OK);

        await portal.RequesterClient.DeleteAsync($"/api/v1/jobs/{completed}").ExpectAsync(HttpStatusCode.Conflict);
        await portal.Admin.DeleteAsync($"/api/v1/jobs/{cancelled}").ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(("passed", JobStatus.Completed), ((await StoredAsync(completed)).Verdict, (await StoredAsync(completed)).Status));
    }

    [Fact]
    public async Task Members_who_neither_asked_nor_administer_the_tests_organisation_may_not_cancel()
    {
        var jobId = await QueuedJobAsync();

        // The run says so beforehand, so that a page shows the cancel button only to whom it would work for.
        var runId = (await StoredAsync(jobId)).RunId;
        Assert.False((await portal.Colleague.GetJsonAsync<RunDto>($"/api/v1/runs/{runId}")).CanCancel);
        Assert.True((await portal.RequesterClient.GetJsonAsync<RunDto>($"/api/v1/runs/{runId}")).CanCancel);
        Assert.True((await portal.LabAdmin.GetJsonAsync<RunDto>($"/api/v1/runs/{runId}")).CanCancel);
        await portal.Colleague.DeleteAsync($"/api/v1/jobs/{jobId}").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Stranger.DeleteAsync($"/api/v1/jobs/{jobId}").ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(JobStatus.Queued, (await StoredAsync(jobId)).Status);
        await portal.Admin.DeleteAsync($"/api/v1/jobs/{jobId}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unknown_job_is_not_found()
    {
        await portal.Admin.DeleteAsync($"/api/v1/jobs/{Guid.NewGuid()}").ExpectAsync(HttpStatusCode.NotFound);
    }
}
