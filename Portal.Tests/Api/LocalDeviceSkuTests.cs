using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Matrix;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// A fresh ./run.sh: demo data and the local agent's token. The demo "CPU (PoCL)" SKU maps the local agent's PoCL device by
/// its patterns, so that the first verdicts fill the matrix instead of being left out as unmapped.
/// </summary>
public sealed class LocalDeviceSkuTests(LocalDeviceSkuTests.Fixture portal) : IClassFixture<LocalDeviceSkuTests.Fixture>
{
    public const string LocalToken = "cpr_local_0123456789abcdef0123456789abcdef0123";

    public sealed class Fixture : DemoPortalFactory
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("PORTAL_LOCAL_AGENT_TOKEN", LocalToken)];
    }

    [Theory]
    [InlineData("cpu-haswell-AMD EPYC 7B13")]  // PoCL 6 names its CPU device cpu-<LLVM CPU>-<model>
    [InlineData("pthread-haswell-AMD EPYC")]   // earlier PoCL: its pthread driver's name
    public async Task The_local_agents_pocl_device_maps_to_the_demo_cpu_sku_by_pattern(string deviceName)
    {
        var pocl = AgentFixtures.PoclCpu with { Name = deviceName };
        var (_, agent) = await portal.RegisterAgentAsync(LocalToken, $"local agent {Guid.NewGuid():N}", devices: pocl);

        var sku = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agent.AgentId)
            .Select(d => new { Sku = d.Sku!.Name, Vendor = d.Sku.Vendor.Name, d.SkuSetByHand }).SingleAsync());

        Assert.Equal(("CPU (PoCL)", "Local agents", false), (sku.Sku, sku.Vendor, sku.SkuSetByHand));
    }

    [Fact]
    public async Task The_local_agents_first_verdict_is_a_filled_cell_of_the_matrix()
    {
        var (client, _) = await portal.RegisterAgentAsync(LocalToken, $"local agent {Guid.NewGuid():N}", keepQualification: true,
            devices: AgentFixtures.PoclCpu);

        // The device's qualification (the conformance suite) was queued when it was reported; the agent runs one job of it.
        var lease = await client.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([AgentFixtures.PoclCpu.Id], 5))
            .ExpectAsync<JobLease>(HttpStatusCode.OK);
        await client.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        var passed = new KernelResult(KernelStatus.Passed, "all cases match",
            Device: new DeviceInfo(AgentFixtures.PoclCpu.Id, AgentFixtures.PoclCpu.Name, AgentFixtures.PoclCpu.Vendor, "OpenCL 3.0 PoCL", "6.0"));
        await client.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, passed)).ExpectAsync(HttpStatusCode.OK);

        var matrix = await portal.CreateBootstrapClient().GetJsonAsync<MatrixDto>("/api/v1/matrix");

        var cpu = Assert.Single(matrix.Skus, s => s.Name == "CPU (PoCL)");
        Assert.True(cpu.Tested);
        var cell = Assert.Single(matrix.Tests.SelectMany(t => t.Cells), c => c.Key == cpu.Id).Value;
        Assert.Equal((lease.JobId, "passed"), (cell.JobId, cell.Verdict));
    }
}
