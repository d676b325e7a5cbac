using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Conformance;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Infrastructure.ConformanceFixtures;

namespace Portal.Tests.Api;

/// <summary>
/// Conformance profiles of SKUs and devices and deployments' coverage, from results that agents report over the protocol:
/// each device is qualified with the suite when it first reports, and the test completes those jobs with chosen verdicts.
/// </summary>
public sealed class ConformanceTests(ConformanceTests.Fixture portal) : IClassFixture<ConformanceTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Guid Vendor { get; private set; }
        public string PartnerToken { get; private set; } = "";
        public string ConsortiumToken { get; private set; } = "";
        public HttpClient Reader { get; private set; } = null!;
        public IReadOnlyDictionary<string, int> SuiteTests { get; private set; } = null!;

        /// <summary>Suite tests per (language, dtype).</summary>
        public IReadOnlyDictionary<(string Language, string Dtype), int> SuiteTestsByDtype { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Conformance Vendor", OrganizationKind.ChipDesigner);
            // The partner's agents run on its own hardware: a SKU's patterns map only its vendor's (and the consortium's) devices.
            PartnerToken = await this.CreateRegistrationTokenAsync(Vendor);
            ConsortiumToken = await this.CreateRegistrationTokenAsync(await AddOrganizationAsync("Conformance Consortium", OrganizationKind.Consortium));
            // Anyone signed in may read profiles: a person of no organisation reads them here.
            Reader = await CreateClientForAsync(await CreateUserAsync("Reader"));
            SuiteTests = await WithDbAsync(db => db.CompatibilityTests.Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug)
                .GroupBy(t => t.Language).ToDictionaryAsync(g => g.Key, g => g.Count()));
            SuiteTestsByDtype = (await WithDbAsync(db => db.CompatibilityTests.Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug)
                .GroupBy(t => new { t.Language, t.Dtype }).Select(g => new { g.Key.Language, g.Key.Dtype, Count = g.Count() }).ToListAsync()))
                .ToDictionary(g => (g.Language, g.Dtype), g => g.Count);
        }
    }

    private static readonly Func<string, string, KernelResult> AllPass = (_, _) => Verdict(KernelStatus.Passed);

    private Task<ConformanceProfileDto> SkuProfileAsync(Guid sku) => portal.Reader.GetJsonAsync<ConformanceProfileDto>($"/api/v1/skus/{sku}/conformance");

    private Task<Guid> DeviceIdAsync(Guid agentId) => portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agentId).Select(d => d.Id).SingleAsync());

    [Fact]
    public async Task A_sku_profile_has_pass_rates_per_language_verdicts_and_timing_per_op_and_its_driver()
    {
        var (sku, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, "gpu:0", "580.65", SkuCategory.Gpu, "cuda-c", "opencl-c");
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, keepQualification: true, devices: device);
        var completed = await agent.CompleteQueuedAsync("gpu:0", (op, language) => (op, language) switch
        {
            ("softmax", "opencl-c") => Verdict(KernelStatus.Failed),
            ("vector_add", "cuda-c") => Verdict(KernelStatus.Passed, medianMs: 0.5, gbPerSecond: 402.6),
            _ => Verdict(KernelStatus.Passed),
        });
        var (cuda, opencl) = (portal.SuiteTests["cuda-c"], portal.SuiteTests["opencl-c"]);
        Assert.Equal(cuda + opencl, completed);

        var profile = await SkuProfileAsync(sku);

        var languages = profile.Languages.ToDictionary(l => l.Language);
        Assert.Equal(["opencl-c", "cuda-c", "triton"], profile.Languages.Select(l => l.Language));
        Assert.Equal((cuda, cuda, cuda, 1.0), (languages["cuda-c"].SuiteTests, languages["cuda-c"].Tested, languages["cuda-c"].Passed, languages["cuda-c"].PassRate));
        Assert.Equal((opencl, opencl, opencl - 1), (languages["opencl-c"].SuiteTests, languages["opencl-c"].Tested, languages["opencl-c"].Passed));
        Assert.Equal((double)(opencl - 1) / opencl, languages["opencl-c"].PassRate, 9);
        // The device does not accept Triton: untested, so nothing proven.
        Assert.Equal((portal.SuiteTests["triton"], 0, 0, 0.0),
            (languages["triton"].SuiteTests, languages["triton"].Tested, languages["triton"].Passed, languages["triton"].PassRate));

        Assert.Equal("vector_add", profile.Ops[0].Op);
        Assert.Equal("failed", Cell(profile, "softmax", "opencl-c").Verdict);
        Assert.Equal("passed", Cell(profile, "softmax", "cuda-c").Verdict);
        Assert.Null(Cell(profile, "softmax", "triton").Verdict);
        var timed = Cell(profile, "vector_add", "cuda-c");
        Assert.Equal((0.5, 402.6), (timed.MedianMs, timed.GbPerSecond));
        Assert.Null(Cell(profile, "gelu", "cuda-c").MedianMs);

        Assert.Equal([("580.65", "opencl-c", opencl - 1), ("580.65", "cuda-c", cuda)], profile.Drivers.Select(d => (d.DriverVersion, d.Language, d.Passed)));
        Assert.False(profile.Verified);
        Assert.True(profile.HasResults);
    }

    [Fact]
    public async Task A_sku_profile_has_pass_rates_per_dtype_and_a_row_per_op_and_dtype()
    {
        var (sku, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor);
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, keepQualification: true, devices: device);
        // The bf16 softmax fails in OpenCL C; its f32 kernel passes.
        await agent.CompleteQueuedAsync("gpu:0", (kernel, language) => Verdict(
            (kernel, language) == ("softmax.bf16", "opencl-c") ? KernelStatus.Failed : KernelStatus.Passed));

        var profile = await SkuProfileAsync(sku);

        int Count(string dtype, params string[] languages) => languages.Sum(l => portal.SuiteTestsByDtype.GetValueOrDefault((l, dtype)));
        Assert.Equal(["f32", "f16", "bf16"], profile.Dtypes!.Select(d => d.Dtype));
        var (f32, bf16) = (profile.Dtypes!.Single(d => d.Dtype == "f32"), profile.Dtypes!.Single(d => d.Dtype == "bf16"));
        // The device accepts OpenCL C only: the CUDA C and Triton variants stay untested and count against the rate.
        var ran = Count("bf16", "opencl-c");
        Assert.Equal((Count("bf16", "opencl-c", "cuda-c", "triton"), ran, ran - 1), (bf16.SuiteTests, bf16.Tested, bf16.Passed));
        Assert.Equal(Count("f32", "opencl-c"), f32.Tested);
        Assert.Equal((double)(ran - 1) / bf16.SuiteTests, bf16.PassRate, 9);
        Assert.Equal(f32.Tested, f32.Passed);
        Assert.True(ran >= 5, $"{ran} bf16 suite tests in OpenCL C");

        Assert.Equal("passed", Cell(profile, "softmax", "opencl-c").Verdict);
        Assert.Equal("failed", profile.Ops.Single(o => (o.Op, o.Dtype) == ("softmax", "bf16")).Cells.Single(c => c.Language == "opencl-c").Verdict);
        // Each op's f32 row comes first, then its variants.
        Assert.Equal(["f32", "f16", "bf16"], profile.Ops.Where(o => o.Op == "reduce_sum").Select(o => o.Dtype));
    }

    [Fact]
    public async Task The_latest_verdict_wins_and_each_driver_version_keeps_its_own_history()
    {
        var (sku, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, driver: "1.0");
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, keepQualification: true, devices: device);
        await agent.CompleteQueuedAsync("gpu:0", AllPass);

        // A new driver queues the suite again; under it vector_add breaks.
        portal.Time.Advance(TimeSpan.FromMinutes(5));
        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([device with { DriverVersion = "2.0" }])).ExpectAsync(HttpStatusCode.OK);
        await agent.CompleteQueuedAsync("gpu:0", (op, _) => Verdict(op == "vector_add" ? KernelStatus.Failed : KernelStatus.Passed));

        var profile = await SkuProfileAsync(sku);
        var opencl = portal.SuiteTests["opencl-c"];
        var language = profile.Languages.Single(l => l.Language == "opencl-c");
        Assert.Equal((opencl, opencl - 1), (language.Tested, language.Passed));
        Assert.Equal("failed", Cell(profile, "vector_add", "opencl-c").Verdict);
        Assert.Equal([("2.0", opencl - 1, opencl), ("1.0", opencl, opencl)], profile.Drivers.Select(d => (d.DriverVersion, d.Passed, d.Tested)));
        Assert.Equal(portal.Time.GetUtcNow(), profile.LastResultAt);
    }

    [Fact]
    public async Task A_device_profile_holds_only_that_devices_results_and_the_sku_takes_the_latest_of_its_devices()
    {
        var (sku, skuName, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor);
        var (partnerAgent, partner) = await portal.RegisterAgentAsync(portal.PartnerToken, "partner rig", keepQualification: true, devices: device);
        var (consortiumAgent, consortium) = await portal.RegisterAgentAsync(portal.ConsortiumToken, "consortium rig", keepQualification: true, devices: device);
        await partnerAgent.CompleteQueuedAsync("gpu:0", (op, _) => Verdict(op == "matmul" ? KernelStatus.Failed : KernelStatus.Passed));
        portal.Time.Advance(TimeSpan.FromMinutes(1));
        await consortiumAgent.CompleteQueuedAsync("gpu:0", AllPass);
        var (partnerDevice, consortiumDevice) = (await DeviceIdAsync(partner.AgentId), await DeviceIdAsync(consortium.AgentId));
        var opencl = portal.SuiteTests["opencl-c"];

        var partners = await portal.Reader.GetJsonAsync<DeviceConformanceDto>($"/api/v1/agents/{partner.AgentId}/devices/{partnerDevice}/conformance");
        Assert.Equal(("partner rig", "Conformance Vendor", sku, skuName, "1.0"),
            (partners.AgentName, partners.OrganizationName, partners.SkuId, partners.SkuName, partners.DriverVersion));
        Assert.Equal(opencl - 1, partners.Profile.Languages.Single(l => l.Language == "opencl-c").Passed);
        Assert.Equal("failed", Cell(partners.Profile, "matmul", "opencl-c").Verdict);
        Assert.False(partners.Profile.Verified);
        // A device is profiled in the languages it accepts; a SKU in every language of the suite.
        Assert.Equal(device.Languages, partners.Profile.Languages.Select(l => l.Language));
        Assert.All(partners.Profile.Ops.SelectMany(o => o.Cells), c => Assert.Contains(c.Language, device.Languages));

        var consortiums = await portal.Reader.GetJsonAsync<DeviceConformanceDto>($"/api/v1/agents/{consortium.AgentId}/devices/{consortiumDevice}/conformance");
        Assert.Equal(opencl, consortiums.Profile.Languages.Single(l => l.Language == "opencl-c").Passed);
        Assert.True(consortiums.Profile.Verified);

        var skuProfile = await SkuProfileAsync(sku);
        Assert.Equal("passed", Cell(skuProfile, "matmul", "opencl-c").Verdict);
        Assert.True(skuProfile.Verified);
        Assert.Equal(["opencl-c", "cuda-c", "triton"], skuProfile.Languages.Select(l => l.Language));

        // A device is addressed under its own agent only.
        await portal.Reader.GetAsync($"/api/v1/agents/{consortium.AgentId}/devices/{partnerDevice}/conformance").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deployment_coverage_is_the_share_of_planned_accelerators_whose_sku_passes_the_whole_suite_in_a_language()
    {
        var (gpu, _, device) = await portal.AddSkuWithDeviceAsync(portal.Vendor, "gpu:0", "1.0", SkuCategory.Gpu, "cuda-c", "opencl-c");
        var (npu, _, _) = await portal.AddSkuWithDeviceAsync(portal.Vendor, category: SkuCategory.Npu);
        var memory = await portal.AddSkuAsync(portal.Vendor, $"HBM {Guid.NewGuid():N}"[..12], SkuCategory.Memory);
        var (agent, registered) = await portal.RegisterAgentAsync(portal.PartnerToken, keepQualification: true, devices: device);
        await agent.CompleteQueuedAsync("gpu:0", (op, language) =>
            Verdict((op, language) == ("histogram", "cuda-c") ? KernelStatus.CompileError : KernelStatus.Passed));
        var deployment = await portal.AddDeploymentAsync($"Coverage {Guid.NewGuid():N}", hardware: [(gpu, 300, 10), (npu, 100, 0), (memory, 1000, 0)]);

        var coverage = await portal.Reader.GetJsonAsync<DeploymentCoverageDto>($"/api/v1/deployments/{deployment}/coverage");

        // Memory is not an accelerator: 400 planned units, of which the GPU's 300 pass all of OpenCL C and all but one CUDA C kernel.
        Assert.Equal(400, coverage.AcceleratorUnits);
        Assert.Equal([("opencl-c", 300, 400, 0.75), ("cuda-c", 0, 400, 0.0), ("triton", 0, 400, 0.0)],
            coverage.Languages.Select(l => (l.Language, l.ProvenUnits, l.TotalUnits, l.Share)));
        Assert.Equal(["opencl-c"], coverage.Skus.Single(s => s.SkuId == gpu).ProvenLanguages);
        Assert.Empty(coverage.Skus.Single(s => s.SkuId == npu).ProvenLanguages);
        Assert.DoesNotContain(coverage.Skus, s => s.SkuId == memory);

        // The kernel is fixed and passes when run again: the latest verdict counts.
        portal.Time.Advance(TimeSpan.FromMinutes(1));
        var histogram = await portal.WithDbAsync(db => db.CompatibilityTests
            .Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Op == "histogram" && t.Language == "cuda-c").Select(t => t.Id).SingleAsync());
        await portal.SubmitAsync(histogram, $"device:{await DeviceIdAsync(registered.AgentId)}");
        Assert.Equal(1, await agent.CompleteQueuedAsync("gpu:0", AllPass));
        coverage = await portal.Reader.GetJsonAsync<DeploymentCoverageDto>($"/api/v1/deployments/{deployment}/coverage");
        Assert.Equal(300, coverage.Languages.Single(l => l.Language == "cuda-c").ProvenUnits);
    }

    [Fact]
    public async Task A_sku_without_results_has_an_empty_profile_unknown_ids_are_404_and_anonymous_callers_401()
    {
        var (sku, _, _) = await portal.AddSkuWithDeviceAsync(portal.Vendor);
        var profile = await SkuProfileAsync(sku);
        Assert.False(profile.HasResults);
        Assert.All(profile.Languages, l => Assert.Equal((0, 0, 0.0), (l.Tested, l.Passed, l.PassRate)));
        Assert.Empty(profile.Drivers);
        Assert.Null(profile.LastResultAt);
        Assert.All(profile.Ops.SelectMany(o => o.Cells), c => Assert.Null(c.Verdict));

        await portal.Reader.GetAsync($"/api/v1/skus/{Guid.NewGuid()}/conformance").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Reader.GetAsync($"/api/v1/deployments/{Guid.NewGuid()}/coverage").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Reader.GetAsync($"/api/v1/agents/{Guid.NewGuid()}/devices/{Guid.NewGuid()}/conformance").ExpectAsync(HttpStatusCode.NotFound);
        // A public SKU's profile is public; a device's (the partner's agents) needs a token.
        await portal.CreateAnonymousClient().GetAsync($"/api/v1/skus/{sku}/conformance").ExpectAsync(HttpStatusCode.OK);
        await portal.CreateAnonymousClient().GetAsync($"/api/v1/agents/{Guid.NewGuid()}/devices/{Guid.NewGuid()}/conformance")
            .ExpectAsync(HttpStatusCode.Unauthorized);
    }

    private static ConformanceCellDto Cell(ConformanceProfileDto profile, string op, string language) =>
        profile.Ops.Single(o => o.Op == op && o.Dtype == "f32").Cells.Single(c => c.Language == language);
}
