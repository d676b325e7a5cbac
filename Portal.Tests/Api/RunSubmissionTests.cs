using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>POST /api/v1/tests/{id}/runs: one queued job per target, targets checked, and the test's runs listed newest first.</summary>
public sealed class RunSubmissionTests(RunSubmissionTests.Fixture portal) : IClassFixture<RunSubmissionTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid Device { get; private set; }
        public Guid Test { get; private set; }
        public TestUser Developer { get; private set; } = null!;
        public HttpClient DeveloperClient { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Run Lab", OrganizationKind.ChipDesigner);
            Gpu = await this.AddSkuAsync(Lab, "Run GPU", configure: SkuFixtures.H200);
            var agent = await this.AddAgentAsync(Lab, "rack-1");
            Device = await this.AddDeviceAsync(agent, "NVIDIA H200", Gpu, "opencl-c", "cuda-c");
            Test = await this.AddTestAsync("vector_add", Lab, TestVisibility.Consortium);
            Developer = await CreateUserAsync("Developer", false, (Lab, MemberRole.Developer));
            DeveloperClient = await CreateClientForAsync(Developer);
        }
    }

    private Task<int> RunCountAsync() => portal.WithDbAsync(db => db.TestRuns.CountAsync());

    [Fact]
    public async Task A_run_has_one_queued_job_per_target_as_submitted()
    {
        var body = new { targets = new[] { $"sku:{portal.Gpu}", $"device:{portal.Device}" } };
        var response = await portal.DeveloperClient.PostJsonAsync($"/api/v1/tests/{portal.Test}/runs", body).ExpectAsync(HttpStatusCode.Created);
        var run = (await response.Content.ReadFromJsonAsync<RunDto>(ApiJson.Options))!;

        Assert.Equal($"/api/v1/runs/{run.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal((portal.Test, "vector_add", RunStatus.Queued, (string?)null), (run.TestId, run.TestName, run.Status, run.Verdict));
        Assert.Equal(portal.Developer.Id, run.RequestedByUserId);
        Assert.Equal(new[] { $"sku:{portal.Gpu}", $"device:{portal.Device}" }.Order(), run.Jobs.Select(j => j.Target).Order());
        Assert.All(run.Jobs, j => Assert.Equal((JobStatus.Queued, 0, (string?)null), (j.Status, j.Attempts, j.Verdict)));
        Assert.All(run.Jobs, j => Assert.True(j.MaxAttempts >= 1));
        // A device job shows its device (and the device's SKU) before any agent takes it; a SKU job has none yet.
        var deviceJob = Assert.Single(run.Jobs, j => j.Target.StartsWith("device:", StringComparison.Ordinal));
        Assert.Equal(("NVIDIA H200", "Run GPU"), (deviceJob.Device?.Name, deviceJob.Device?.Sku?.Name));
        Assert.Null(Assert.Single(run.Jobs, j => j.Target.StartsWith("sku:", StringComparison.Ordinal)).Device);

        var jobs = await portal.WithDbAsync(db => db.Jobs.Where(j => j.RunId == run.Id).ToListAsync());
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal((portal.Test, "opencl-c", JobStatus.Queued), (j.TestId, j.Language, j.Status)));
        Assert.Equal(run, await portal.DeveloperClient.GetJsonAsync<RunDto>($"/api/v1/runs/{run.Id}"), RunComparer.Instance);
    }

    [Theory]
    [InlineData("sku:{0}")]
    [InlineData("device:{0}")]
    [InlineData("gpu-please")]
    [InlineData("")]
    public async Task An_unknown_or_malformed_target_is_refused_and_no_run_is_stored(string target)
    {
        var before = await RunCountAsync();
        var body = new { targets = new[] { $"sku:{portal.Gpu}", string.Format(target, Guid.NewGuid()) } };
        var problem = await portal.DeveloperClient.PostJsonAsync($"/api/v1/tests/{portal.Test}/runs", body).ExpectValidationProblemAsync();
        Assert.Contains(problem.Errors.Keys, k => k.StartsWith("targets", StringComparison.Ordinal));
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact]
    public async Task Without_targets_every_online_device_that_accepts_the_language_gets_a_job()
    {
        // Triton: no other test of this class adds a device that accepts it.
        var test = await portal.AddTestAsync("vector_add triton", portal.Lab, TestVisibility.Consortium, "triton");
        var online = await portal.AddAgentAsync(portal.Lab, "online");
        var offline = await portal.AddAgentAsync(portal.Lab, "offline", online: false);
        var wanted = await portal.AddDeviceAsync(online, "Triton GPU", portal.Gpu, "triton", "cuda-c");
        await portal.AddDeviceAsync(online, "OpenCL only", portal.Gpu, "opencl-c");
        await portal.AddDeviceAsync(offline, "Asleep", portal.Gpu, "triton");

        var run = await portal.DeveloperClient.PostJsonAsync($"/api/v1/tests/{test}/runs", new { targets = Array.Empty<string>() })
            .ExpectAsync<RunDto>(HttpStatusCode.Created);

        Assert.Equal($"device:{wanted}", Assert.Single(run.Jobs).Target);
    }

    [Fact]
    public async Task A_tests_runs_are_listed_newest_first_with_their_status()
    {
        var test = await portal.AddTestAsync("listed", portal.Lab, TestVisibility.Consortium);
        var body = new { targets = new[] { $"sku:{portal.Gpu}" } };
        var first = await portal.DeveloperClient.PostJsonAsync($"/api/v1/tests/{test}/runs", body).ExpectAsync<RunDto>(HttpStatusCode.Created);
        portal.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await portal.DeveloperClient.PostJsonAsync($"/api/v1/tests/{test}/runs", body).ExpectAsync<RunDto>(HttpStatusCode.Created);
        await portal.UpdateJobAsync(Assert.Single(second.Jobs).Id, j => j.Status = JobStatus.Running);

        var page = await portal.DeveloperClient.GetJsonAsync<PagedList<RunListItem>>($"/api/v1/tests/{test}/runs?pageSize=10");

        Assert.Equal([second.Id, first.Id], page.Items.Select(r => r.Id));
        Assert.Equal([RunStatus.Running, RunStatus.Queued], page.Items.Select(r => r.Status));
        Assert.Equal((2, 1), (page.Total, page.Items[0].Jobs));
        await portal.DeveloperClient.GetAsync($"/api/v1/tests/{Guid.NewGuid()}/runs").ExpectAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Runs compare by value, their job lists element by element.</summary>
    private sealed class RunComparer : IEqualityComparer<RunDto>
    {
        public static readonly RunComparer Instance = new();

        public bool Equals(RunDto? x, RunDto? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Status == y.Status && x.Jobs.Select(j => (j.Id, j.Target, j.Status))
                .SequenceEqual(y.Jobs.Select(j => (j.Id, j.Target, j.Status)));

        public int GetHashCode(RunDto obj) => obj.Id.GetHashCode();
    }
}
