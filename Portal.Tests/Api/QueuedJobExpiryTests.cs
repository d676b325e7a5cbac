using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Jobs;
using Portal.Api.Runs;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>A queued job no agent takes gives up after the configured age (here 2 h), with a final status and the reason, through the reaper.</summary>
public sealed class QueuedJobExpiryTests(QueuedJobExpiryTests.Fixture portal) : IClassFixture<QueuedJobExpiryTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Sku { get; private set; }
        public HttpClient Admin { get; private set; } = null!;

        protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Portal:Jobs:MaxQueuedHours", "2")];

        protected override async Task StartedAsync()
        {
            // A SKU no device is mapped to: its jobs wait for an agent that never comes.
            Sku = await this.AddSkuAsync(await AddOrganizationAsync("Expiry Lab", OrganizationKind.ChipDesigner), "Unattended GPU");
            Admin = await CreateClientForAsync(await CreateUserAsync("Expiry admin", consortiumAdmin: true));
        }
    }

    private Task<Job> JobAsync(Guid id) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));

    private Task<Guid> OnlyJobOfRunAsync(Guid run) => portal.WithDbAsync(db => db.Jobs.Where(j => j.RunId == run).Select(j => j.Id).SingleAsync());

    [Fact]
    public async Task A_job_no_agent_takes_is_given_up_after_the_configured_age_with_the_reason()
    {
        var reaper = portal.Services.GetRequiredService<JobReaper>();
        var test = await portal.AddVectorAddTestAsync();
        var run = await portal.SubmitAsync(test, $"sku:{portal.Sku}");
        var neverTaken = await OnlyJobOfRunAsync(run);
        // Another job whose lease was lost and that waits again.
        var lost = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"sku:{portal.Sku}"));
        await portal.UpdateJobAsync(lost, j => j.Attempts = 1);
        var waiting = Assert.Single((await portal.Admin.GetJsonAsync<RunDto>($"/api/v1/runs/{run}")).Jobs);
        Assert.Contains("no online device of this target", waiting.WaitingReason);

        portal.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(2));
        var young = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"sku:{portal.Sku}"));
        await reaper.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobStatus.Queued, (await JobAsync(neverTaken)).Status);

        portal.Time.Advance(TimeSpan.FromMinutes(3));
        await reaper.RunOnceAsync(CancellationToken.None);

        var expired = await JobAsync(neverTaken);
        Assert.Equal(JobStatus.Expired, expired.Status);
        Assert.Equal("No agent took this job within 2 h of its submission, so it was given up. Run it again once a device that may take it is online.",
            expired.FailureReason);
        Assert.NotNull(expired.FinishedAt);
        Assert.Contains("No agent finished this job within 2 h", (await JobAsync(lost)).FailureReason);
        Assert.Equal(JobStatus.Queued, (await JobAsync(young)).Status);

        // The run is over, and says how: the job expired, with the reason and no waiting reason any more.
        var read = await portal.Admin.GetJsonAsync<RunDto>($"/api/v1/runs/{run}");
        Assert.Equal((RunStatus.Completed, "expired"), (read.Status, read.Verdict));
        var job = Assert.Single(read.Jobs);
        Assert.Equal((JobStatus.Expired, expired.FailureReason, (string?)null), (job.Status, job.FailureReason, job.WaitingReason));
    }

    [Fact]
    public void By_default_a_queued_job_gives_up_after_24_hours()
    {
        Assert.Equal(TimeSpan.FromHours(24), new JobQueueOptions().MaxQueued);
    }
}
