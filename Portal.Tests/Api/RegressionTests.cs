using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Regressions;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Infrastructure.ConformanceFixtures;

namespace Portal.Tests.Api;

/// <summary>
/// Regressions across driver versions as a test agent reports them through the queue endpoints: a device qualified under one
/// driver, reported again with another (which queues the suite again), and the SKU's and device's regressions and first
/// passing drivers read over HTTP; and the per-job check change notifications call.
/// </summary>
public sealed class RegressionTests(RegressionTests.Fixture portal) : IClassFixture<RegressionTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Guid Vendor { get; private set; }
        public string Token { get; private set; } = "";
        public HttpClient Reader { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Regression Vendor", OrganizationKind.ChipDesigner);
            Token = await this.CreateRegistrationTokenAsync(Vendor);
            Reader = await CreateClientForAsync(await CreateUserAsync("Regression Reader"));
        }
    }

    private static Func<string, string, KernelResult> AllBut(string failing) =>
        (op, _) => Verdict(op == failing ? KernelStatus.Failed : KernelStatus.Passed);

    /// <summary>The same device reported with a new driver: qualification is queued again, and the agent completes it.</summary>
    private async Task<int> UpdateDriverAsync(HttpClient agent, DeviceReport device, string driver, Func<string, string, KernelResult> verdicts)
    {
        portal.Time.Advance(TimeSpan.FromMinutes(5));
        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([device with { DriverVersion = driver }])).ExpectAsync(HttpStatusCode.OK);
        return await agent.CompleteQueuedAsync("gpu:0", verdicts);
    }

    private Task<Guid> SuiteTestAsync(string op) =>
        portal.WithDbAsync(db => db.CompatibilityTests
            .Where(t => t.Suite!.Slug == Portal.Data.Compatibility.TestSuite.ConformanceSlug && t.Op == op && t.Language == "opencl-c" && t.Dtype == "f32")
            .Select(t => t.Id).SingleAsync());

    [Fact]
    public async Task A_test_that_passed_under_one_driver_and_fails_under_the_next_is_a_regression_on_the_sku_and_the_device()
    {
        var (sku, skuName, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, driver: "1.0");
        var (agent, registered) = await portal.RegisterAgentAsync(portal.Token, keepQualification: true, devices: device);
        Assert.True(await agent.CompleteQueuedAsync("gpu:0", (_, _) => Verdict(KernelStatus.Passed)) > 0);
        Assert.Empty((await portal.Reader.GetJsonAsync<SkuRegressionsDto>($"/api/v1/skus/{sku}/regressions")).Regressions);

        // The driver changes: the suite runs again by itself, and vector_add breaks under it.
        Assert.True(await UpdateDriverAsync(agent, device, "2.0", AllBut("vector_add")) > 0);

        var vectorAdd = await SuiteTestAsync("vector_add");
        var page = await portal.Reader.GetJsonAsync<SkuRegressionsDto>($"/api/v1/skus/{sku}/regressions");
        var regression = Assert.Single(page.Regressions);
        Assert.Equal((sku, skuName, vectorAdd, "failed", "1.0", "2.0"),
            (regression.SkuId!.Value, regression.SkuName, regression.TestId, regression.Verdict, regression.PassedDriver, regression.FailedDriver));
        Assert.True(regression.PassedAt < regression.FailedAt);
        // The first passing driver of every test is 1.0, vector_add's included, though it fails now.
        Assert.All(page.FirstPassingDrivers, f => Assert.Equal("1.0", f.Driver));
        var first = Assert.Single(page.FirstPassingDrivers, f => f.TestId == vectorAdd);
        Assert.Equal("failed", first.LatestVerdict);

        var deviceId = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var onDevice = await portal.Reader.GetJsonAsync<IReadOnlyList<RegressionDto>>($"/api/v1/agents/{registered.AgentId}/devices/{deviceId}/regressions");
        Assert.Equal([(vectorAdd, "1.0", "2.0")], onDevice.Select(r => (r.TestId, r.PassedDriver, r.FailedDriver)));
        await portal.Reader.GetAsync($"/api/v1/agents/{registered.AgentId}/devices/{Guid.NewGuid()}/regressions").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_first_passing_driver_is_the_one_a_test_first_passed_under_and_a_fix_is_no_regression()
    {
        var (sku, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, driver: "7.1");
        var (agent, _) = await portal.RegisterAgentAsync(portal.Token, keepQualification: true, devices: device);
        await agent.CompleteQueuedAsync("gpu:0", AllBut("saxpy"));
        await UpdateDriverAsync(agent, device, "7.2", (_, _) => Verdict(KernelStatus.Passed));

        var page = await portal.Reader.GetJsonAsync<SkuRegressionsDto>($"/api/v1/skus/{sku}/regressions");
        Assert.Empty(page.Regressions);
        var saxpy = await SuiteTestAsync("saxpy");
        Assert.Equal(("7.2", "passed"), page.FirstPassingDrivers.Where(f => f.TestId == saxpy).Select(f => (f.Driver, f.LatestVerdict)).Single());
        var vectorAdd = await SuiteTestAsync("vector_add");
        Assert.Equal("7.1", page.FirstPassingDrivers.Single(f => f.TestId == vectorAdd).Driver);
    }

    [Fact]
    public async Task A_failing_job_is_a_new_regression_only_when_the_result_before_it_passed()
    {
        var (sku, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, driver: "3.0");
        var (agent, _) = await portal.RegisterAgentAsync(portal.Token, keepQualification: true, devices: device);
        await agent.CompleteQueuedAsync("gpu:0", (_, _) => Verdict(KernelStatus.Passed));
        await UpdateDriverAsync(agent, device, "3.1", AllBut("vector_add"));
        await UpdateDriverAsync(agent, device, "3.2", AllBut("vector_add"));

        var vectorAdd = await SuiteTestAsync("vector_add");
        var jobs = await portal.WithDbAsync(db => db.Jobs.Where(j => j.SkuId == sku && j.TestId == vectorAdd)
            .OrderBy(j => j.FinishedAt).Select(j => new { j.Id, j.DriverVersion }).ToListAsync());
        Assert.Equal(["3.0", "3.1", "3.2"], jobs.Select(j => j.DriverVersion));
        var (passed, broke, again) = (jobs[0].Id, jobs[1].Id, jobs[2].Id);

        var found = await portal.InScopeAsync(async services =>
        {
            var regressions = services.GetRequiredService<RegressionService>();
            return (Passed: await regressions.OfJobAsync(null, passed, CancellationToken.None),
                Broke: await regressions.OfJobAsync(null, broke, CancellationToken.None),
                Again: await regressions.OfJobAsync(null, again, CancellationToken.None));
        });
        Assert.Null(found.Passed);
        Assert.Equal(("3.0", "3.1", passed), (found.Broke?.PassedDriver, found.Broke?.FailedDriver, found.Broke?.PassedJobId));
        Assert.Null(found.Again);
        // The SKU still shows the regression, from its latest failure back to the last pass.
        var regression = Assert.Single((await portal.Reader.GetJsonAsync<SkuRegressionsDto>($"/api/v1/skus/{sku}/regressions")).Regressions);
        Assert.Equal(("3.0", "3.2"), (regression.PassedDriver, regression.FailedDriver));
    }
}
