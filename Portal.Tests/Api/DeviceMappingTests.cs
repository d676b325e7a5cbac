using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Agents;
using Portal.Api.Conformance;
using Portal.Api.Matrix;
using Portal.Api.Skus;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Infrastructure.ConformanceFixtures;

namespace Portal.Tests.Api;

/// <summary>
/// A device mapped to a SKU by hand lends its verdicts to that SKU (its profile, the matrix, deployments' coverage) only once a
/// consortium admin confirms the mapping, or when the SKU's own device-name patterns name the device; every result shows how its
/// device is mapped; a change of a SKU's patterns maps the devices already attached.
/// </summary>
public sealed class DeviceMappingTests(DeviceMappingTests.Fixture portal) : IClassFixture<DeviceMappingTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Guid NpuVendor { get; private set; }
        public Guid CpuPartner { get; private set; }
        public string NpuVendorToken { get; private set; } = "";
        public string CpuPartnerToken { get; private set; } = "";
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient PartnerAdmin { get; private set; } = null!;
        public HttpClient ConsortiumAdmin { get; private set; } = null!;
        public HttpClient Reader { get; private set; } = null!;
        public int OpenClSuiteTests { get; private set; }

        protected override async Task StartedAsync()
        {
            NpuVendor = await AddOrganizationAsync("Mapping NPU Vendor", OrganizationKind.ChipDesigner);
            CpuPartner = await AddOrganizationAsync("Mapping CPU Partner", OrganizationKind.DatacenterOperator);
            NpuVendorToken = await this.CreateRegistrationTokenAsync(NpuVendor);
            CpuPartnerToken = await this.CreateRegistrationTokenAsync(CpuPartner);
            VendorMember = await CreateClientForAsync(await CreateUserAsync("NPU vendor member", false, (NpuVendor, MemberRole.Developer)));
            PartnerAdmin = await CreateClientForAsync(await CreateUserAsync("CPU partner admin", false, (CpuPartner, MemberRole.Admin)));
            ConsortiumAdmin = await CreateClientForAsync(await CreateUserAsync("Consortium admin", consortiumAdmin: true));
            Reader = await CreateClientForAsync(await CreateUserAsync("Reader"));
            OpenClSuiteTests = await WithDbAsync(db => db.CompatibilityTests.CountAsync(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Language == "opencl-c"));
        }
    }

    private static readonly Func<string, string, KernelResult> AllPass = (_, _) => Verdict(KernelStatus.Passed);

    [Fact]
    public async Task A_cpu_mapped_by_hand_to_an_npu_does_not_make_it_look_proven_until_a_consortium_admin_confirms_the_mapping()
    {
        var npu = await AddNpuAsync("RNGD");
        var deployment = await portal.AddDeploymentAsync($"NPU site {Guid.NewGuid():N}", hardware: [(npu, 100, 0)]);
        // PoCL on a CPU, attached by a datacenter partner: no pattern maps it; the suite runs on it and passes.
        var (agent, registered) = await portal.RegisterAgentAsync(portal.CpuPartnerToken, keepQualification: true, devices: AgentFixtures.PoclCpu);
        Assert.Equal(portal.OpenClSuiteTests, await agent.CompleteQueuedAsync(AgentFixtures.PoclCpu.Id, AllPass));
        var device = await DeviceIdAsync(registered.AgentId);
        var run = await portal.WithDbAsync(db => db.Jobs.Where(j => j.DeviceId == device).Select(j => j.RunId).FirstAsync());

        // Its partner's admin maps it to the NPU by hand.
        var mapped = await portal.PartnerAdmin.PutJsonAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku", new DeviceSkuInput(npu))
            .ExpectAsync<AgentDeviceDto>(HttpStatusCode.OK);
        Assert.Equal((npu, SkuMapping.ManualUnconfirmed, false), (mapped.SkuId, mapped.Mapping, mapped.CanConfirm));

        Assert.False(await NpuInMatrixAsync(npu));
        var profile = await portal.Reader.GetJsonAsync<ConformanceProfileDto>($"/api/v1/skus/{npu}/conformance");
        Assert.False(profile.HasResults);
        Assert.Equal(0, profile.Languages.Single(l => l.Language == "opencl-c").Passed);
        Assert.Empty(await ProvenLanguagesAsync(deployment, npu));
        Assert.Equal(["manual_unconfirmed"], await JobMappingsAsync(run));

        // Only a consortium admin may vouch for the mapping.
        await portal.PartnerAdmin.PostAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku/confirm", null).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Reader.PostAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku/confirm", null).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.False(await NpuInMatrixAsync(npu));
        var listed = (await portal.ConsortiumAdmin.GetJsonAsync<List<AgentDto>>("/api/v1/agents")).Single(a => a.Id == registered.AgentId).Devices.Single();
        Assert.True(listed.CanConfirm);

        var confirmed = await portal.ConsortiumAdmin.PostAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku/confirm", null)
            .ExpectAsync<AgentDeviceDto>(HttpStatusCode.OK);
        Assert.Equal((SkuMapping.ManualConfirmed, false), (confirmed.Mapping, confirmed.CanConfirm));

        Assert.True(await NpuInMatrixAsync(npu));
        profile = await portal.Reader.GetJsonAsync<ConformanceProfileDto>($"/api/v1/skus/{npu}/conformance");
        Assert.Equal(portal.OpenClSuiteTests, profile.Languages.Single(l => l.Language == "opencl-c").Passed);
        Assert.Equal(["opencl-c"], await ProvenLanguagesAsync(deployment, npu));
        Assert.Equal(["manual_confirmed"], await JobMappingsAsync(run));
        // The confirmation is in the agent's audit history, under the admin's name.
        var audit = await portal.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityType == "Agent" && e.EntityId == registered.AgentId.ToString())
            .OrderBy(e => e.Id).ToListAsync());
        Assert.Contains(audit, e => e.ActorName == "Consortium admin" && e.Changes.Any(c => c.Field == $"Device {AgentFixtures.PoclCpu.Id}: SkuConfirmedAt"));

        // Mapping it by hand again (elsewhere and back) drops the confirmation.
        var other = await AddNpuAsync("Other");
        await portal.PartnerAdmin.PutJsonAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku", new DeviceSkuInput(other)).ExpectAsync(HttpStatusCode.OK);
        var again = await portal.PartnerAdmin.PutJsonAsync($"/api/v1/agents/{registered.AgentId}/devices/{device}/sku", new DeviceSkuInput(npu))
            .ExpectAsync<AgentDeviceDto>(HttpStatusCode.OK);
        Assert.Equal(SkuMapping.ManualUnconfirmed, again.Mapping);
        Assert.False(await NpuInMatrixAsync(npu));
    }

    [Fact]
    public async Task A_mapping_by_hand_that_the_skus_own_patterns_name_counts_without_confirmation_and_a_mapping_by_pattern_needs_none()
    {
        var marker = $"Warp{Guid.NewGuid():N}"[..12];
        var npu = await AddNpuAsync(marker);
        var report = Device("npu:0", $"{marker} accelerator", "1.0", ["opencl-c"]);
        var (agent, registered) = await portal.RegisterAgentAsync(portal.NpuVendorToken, keepQualification: true, devices: report);
        await agent.CompleteQueuedAsync("npu:0", AllPass);
        var device = await DeviceIdAsync(registered.AgentId);
        var path = $"/api/v1/agents/{registered.AgentId}/devices/{device}/sku";

        await portal.ConsortiumAdmin.PostAsync($"{path}/confirm", null).ExpectAsync(HttpStatusCode.Conflict);
        var byHand = await portal.ConsortiumAdmin.PutJsonAsync(path, new DeviceSkuInput(npu)).ExpectAsync<AgentDeviceDto>(HttpStatusCode.OK);

        Assert.Equal((true, SkuMapping.Pattern, false), (byHand.SkuSetByHand, byHand.Mapping, byHand.CanConfirm));
        Assert.True(await NpuInMatrixAsync(npu));
    }

    [Fact]
    public async Task A_change_of_a_skus_patterns_maps_devices_already_attached_and_unmaps_those_they_no_longer_name()
    {
        var marker = $"Ember{Guid.NewGuid():N}"[..13];
        var npu = await AddNpuAsync($"Nothing{Guid.NewGuid():N}");
        var (_, registered) = await portal.RegisterAgentAsync(portal.NpuVendorToken, devices: Device("npu:0", $"{marker} NPU", "1.0", ["opencl-c"]));
        var device = await DeviceIdAsync(registered.AgentId);
        Assert.Null(await SkuOfAsync(device));

        await SetPatternsAsync(npu, [marker]);
        var mapped = await portal.WithDbAsync(db => db.AgentDevices.AsNoTracking().SingleAsync(d => d.Id == device));
        Assert.Equal((npu, false), (mapped.SkuId, mapped.SkuSetByHand));

        await SetPatternsAsync(npu, [$"Nothing{Guid.NewGuid():N}"]);
        Assert.Null(await SkuOfAsync(device));
    }

    private Task<Guid> AddNpuAsync(string pattern) =>
        portal.AddSkuAsync(portal.NpuVendor, $"NPU {Guid.NewGuid():N}"[..16], SkuCategory.Npu, s => s.DeviceNamePatterns = [pattern]);

    private Task<Guid> DeviceIdAsync(Guid agentId) => portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agentId).Select(d => d.Id).SingleAsync());

    private Task<Guid?> SkuOfAsync(Guid device) => portal.WithDbAsync(db => db.AgentDevices.Where(d => d.Id == device).Select(d => d.SkuId).SingleAsync());

    /// <summary>What the vendor's member does on the SKU's edit form: the same SKU with other device-name patterns.</summary>
    private async Task SetPatternsAsync(Guid sku, string[] patterns)
    {
        var detail = await portal.VendorMember.GetJsonAsync<SkuDetail>($"/api/v1/skus/{sku}");
        await portal.VendorMember.PutJsonAsync($"/api/v1/skus/{sku}", new SkuInput
        {
            VendorId = detail.VendorId, Name = detail.Name, Category = "npu", Lifecycle = "ga", Languages = detail.Languages, DeviceNamePatterns = patterns,
            Components = [], Version = detail.Version,
        }).ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<bool> NpuInMatrixAsync(Guid npu)
    {
        var matrix = await portal.Reader.GetJsonAsync<MatrixDto>($"/api/v1/matrix?suite={TestSuite.ConformanceSlug}&language=opencl-c");
        var cells = matrix.Tests.Where(t => t.Cells.ContainsKey(npu)).Select(t => t.Cells[npu].Verdict).ToList();
        Assert.Equal(cells.Count > 0, matrix.Skus.Any(s => s.Id == npu));
        Assert.All(cells, v => Assert.Equal("passed", v));
        return cells.Count > 0;
    }

    private async Task<IReadOnlyList<string>> ProvenLanguagesAsync(Guid deployment, Guid sku) =>
        (await portal.Reader.GetJsonAsync<DeploymentCoverageDto>($"/api/v1/deployments/{deployment}/coverage")).Skus.Single(s => s.SkuId == sku).ProvenLanguages;

    /// <summary>The run's jobs' device mappings, as the API writes them.</summary>
    private async Task<List<string>> JobMappingsAsync(Guid run)
    {
        using var document = JsonDocument.Parse(await portal.ConsortiumAdmin.GetStringAsync($"/api/v1/runs/{run}"));
        return [.. document.RootElement.GetProperty("jobs").EnumerateArray()
            .Select(j => j.GetProperty("device").GetProperty("mapping").GetString()!).Distinct()];
    }
}
