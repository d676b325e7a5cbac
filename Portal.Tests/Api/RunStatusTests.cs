using Microsoft.EntityFrameworkCore;
using Portal.Api.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/runs/{id}: the run's status and verdict follow from its jobs; each job shows its result, provenance and bandwidth share.</summary>
public sealed class RunStatusTests(RunStatusTests.Fixture portal) : IClassFixture<RunStatusTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Consortium { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid Agent { get; private set; }
        public Guid Device { get; private set; }
        public Guid Test { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Consortium = await AddOrganizationAsync("The Consortium", OrganizationKind.Consortium);
            Gpu = await this.AddSkuAsync(Consortium, "Status GPU", configure: SkuFixtures.H200);
            Agent = await this.AddAgentAsync(Consortium, "verifier-1");
            Device = await this.AddDeviceAsync(Agent, "NVIDIA H200 (renamed since)", Gpu, "opencl-c");
            Test = await this.AddTestAsync("status vector_add", Consortium, TestVisibility.Consortium);
            Client = await CreateClientForAsync(await CreateUserAsync("Reader", false, (Consortium, MemberRole.Member)));
        }
    }

    private Task<RunDto> ReadAsync(Guid runId) => portal.Client.GetJsonAsync<RunDto>($"/api/v1/runs/{runId}");

    private async Task<(Guid RunId, List<Guid> Jobs)> RunAsync(int jobs)
    {
        var ids = await portal.AddRunAsync(portal.Test, null, Enumerable.Repeat(((Guid?)null, (Guid?)portal.Gpu), jobs).ToArray());
        var runId = await portal.WithDbAsync(db => db.Jobs.Where(j => j.Id == ids[0]).Select(j => j.RunId).SingleAsync());
        return (runId, ids);
    }

    [Fact]
    public async Task A_run_is_queued_then_running_then_completed_with_the_worst_verdict()
    {
        var (run, jobs) = await RunAsync(3);
        Assert.Equal((RunStatus.Queued, (string?)null), ((await ReadAsync(run)).Status, (await ReadAsync(run)).Verdict));

        await portal.UpdateJobAsync(jobs[0], j => j.Status = JobStatus.Leased);
        Assert.Equal(RunStatus.Running, (await ReadAsync(run)).Status);

        var now = portal.Time.GetUtcNow();
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, now, portal.Gpu);
        await portal.CompleteJobAsync(jobs[1], KernelStatus.Passed, now, portal.Gpu);
        // Some jobs done and one still waiting: the run is under way, with no verdict yet.
        var partial = await ReadAsync(run);
        Assert.Equal((RunStatus.Running, (string?)null), (partial.Status, partial.Verdict));

        await portal.CompleteJobAsync(jobs[2], KernelStatus.Failed, now, portal.Gpu);
        var done = await ReadAsync(run);
        Assert.Equal((RunStatus.Completed, "failed"), (done.Status, done.Verdict));
        Assert.Equal(new Dictionary<string, int> { ["failed"] = 1, ["passed"] = 2 }, done.Outcomes);
    }

    [Fact]
    public async Task A_run_passes_only_when_every_job_passed()
    {
        var (run, jobs) = await RunAsync(2);
        foreach (var job in jobs)
            await portal.CompleteJobAsync(job, KernelStatus.Passed, portal.Time.GetUtcNow(), portal.Gpu);
        Assert.Equal("passed", (await ReadAsync(run)).Verdict);
    }

    [Fact]
    public async Task Jobs_without_a_result_count_against_the_run_but_less_than_a_wrong_answer()
    {
        var (run, jobs) = await RunAsync(3);
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, portal.Time.GetUtcNow(), portal.Gpu);
        await portal.UpdateJobAsync(jobs[1], j => (j.Status, j.FailureReason) = (JobStatus.Failed, "the lease expired on each of 3 attempt(s)"));
        await portal.UpdateJobAsync(jobs[2], j => j.Status = JobStatus.Cancelled);

        var read = await ReadAsync(run);
        Assert.Equal((RunStatus.Completed, "error"), (read.Status, read.Verdict));
        Assert.Equal("the lease expired on each of 3 attempt(s)", read.Jobs.Single(j => j.Id == jobs[1]).FailureReason);
    }

    [Fact]
    public async Task A_completed_job_shows_its_result_provenance_and_share_of_the_skus_peak_bandwidth()
    {
        var (run, jobs) = await RunAsync(1);
        // The H200's 4.8 TB/s peak: 2,400 GB/s achieved is half of it.
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, portal.Time.GetUtcNow(), portal.Gpu, medianMs: 0.25, gbPerSecond: 2400,
            verified: true, agentId: portal.Agent, agentOrganizationId: portal.Consortium, deviceId: portal.Device);

        var job = Assert.Single((await ReadAsync(run)).Jobs);

        Assert.Equal(("passed", JobStatus.Completed), (job.Verdict, job.Status));
        Assert.Equal(0.5, job.BandwidthShare!.Value, 9);
        Assert.Equal(0.25, job.Result!.Timing!.MedianMs);
        Assert.Equal(KernelStatus.Passed, job.Result.Status);
        var provenance = job.Provenance!;
        Assert.Equal(("verifier-1", "The Consortium", "550.1", "engine-1", "1.0.0", true),
            (provenance.Agent?.Name, provenance.Organization?.Name, provenance.Driver, provenance.EngineVersion, provenance.AgentVersion, provenance.Verified));
        // The device's name as recorded with the result, not as it is called now.
        Assert.Equal((portal.Device, "Test device", "Status GPU"), (job.Device?.Id, job.Device?.Name, job.Device?.Sku?.Name));
    }

    [Fact]
    public async Task A_result_without_a_known_peak_bandwidth_has_no_share()
    {
        var unknown = await portal.AddSkuAsync(portal.Consortium, "Unpublished NPU", SkuCategory.Npu);
        var (run, jobs) = await RunAsync(1);
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, portal.Time.GetUtcNow(), unknown, gbPerSecond: 800);
        Assert.Null(Assert.Single((await ReadAsync(run)).Jobs).BandwidthShare);
    }

    [Fact]
    public async Task An_unknown_run_is_not_found()
    {
        await portal.Client.GetAsync($"/api/v1/runs/{Guid.NewGuid()}").ExpectAsync(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public void An_expired_job_is_final_and_counts_against_its_run_below_an_error()
    {
        Assert.True(JobStatus.Expired.IsFinal());
        Assert.Equal(RunStatus.Completed, RunSummary.Status([JobStatus.Completed, JobStatus.Expired]));
        Assert.Equal("expired", RunSummary.Verdict([(JobStatus.Completed, "passed"), (JobStatus.Expired, null)]));
        Assert.Equal("error", RunSummary.Verdict([(JobStatus.Failed, null), (JobStatus.Expired, null)]));
        Assert.Equal(new Dictionary<string, int> { ["expired"] = 1, ["passed"] = 1 },
            RunSummary.Outcomes([(JobStatus.Completed, "passed"), (JobStatus.Expired, null)]));
    }

    [Theory]
    [InlineData(new[] { "passed", "unsupported" }, "unsupported")]
    [InlineData(new[] { "timeout", "compile_error", "passed" }, "timeout")]
    [InlineData(new[] { "crashed", "failed" }, "failed")]
    [InlineData(new[] { "passed", "some_future_status" }, "some_future_status")]
    public void The_summary_verdict_is_the_worst_outcome(string[] verdicts, string expected)
    {
        Assert.Equal(expected, RunSummary.Verdict(verdicts.Select(v => (JobStatus.Completed, (string?)v)).ToList()));
    }
}
