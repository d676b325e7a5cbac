using System.Net;
using Portal.Api.Citations;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// <c>GET /api/v1/results/{id}</c>: a result is cited by its job's id, with who measured it on what and when; a result of a
/// test the reader may not see does not exist for them (404, never 403).
/// </summary>
public sealed class CitedResultTests(CitedResultTests.Fixture portal) : IClassFixture<CitedResultTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Vendor { get; private set; }
        public Guid Sku { get; private set; }
        public Guid Agent { get; private set; }
        public Guid Device { get; private set; }
        public Guid PublicTest { get; private set; }
        public Guid PrivateTest { get; private set; }
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient Stranger { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Citing Vendor", OrganizationKind.ChipDesigner, "KR");
            var other = await AddOrganizationAsync("Stranger Partner", OrganizationKind.ChipDesigner, "US");
            Sku = await this.AddSkuAsync(Vendor, "Cited GPU", SkuCategory.Gpu);
            Agent = await this.AddAgentAsync(Vendor, "lab-agent-7");
            Device = await this.AddDeviceAsync(Agent, "Cited GPU 80GB", Sku, "opencl-c");
            PublicTest = await this.AddTestAsync("Cited vector add", null, TestVisibility.Consortium);
            PrivateTest = await this.AddTestAsync("Secret fused kernel", Vendor, TestVisibility.Private);
            Admin = await CreateClientForAsync(await CreateUserAsync("Citation Admin", consortiumAdmin: true));
            VendorMember = await CreateClientForAsync(await CreateUserAsync("Vendor Scientist", false, (Vendor, MemberRole.Member)));
            Stranger = await CreateClientForAsync(await CreateUserAsync("Stranger", false, (other, MemberRole.Admin)));
        }

        public async Task<Guid> CompletedAsync(Guid test, DateTimeOffset finishedAt, bool verified = false, KernelStatus verdict = KernelStatus.Passed)
        {
            var job = (await this.AddRunAsync(test, null, (Device, null))).Single();
            await this.CompleteJobAsync(job, verdict, finishedAt, Sku, verified: verified, agentId: Agent, agentOrganizationId: Vendor, deviceId: Device);
            return job;
        }
    }

    [Fact]
    public async Task A_result_carries_its_provenance_and_the_dates_it_was_run_and_published()
    {
        var finished = portal.Time.GetUtcNow() - TimeSpan.FromHours(3);
        var job = await portal.CompletedAsync(portal.PublicTest, finished);

        var result = await portal.Stranger.GetJsonAsync<CitedResultDto>($"/api/v1/results/{job}");

        Assert.Equal((job, "passed", "Cited vector add", "vector_add", "opencl-c"), (result.Id, result.Verdict, result.Test.Name, result.Test.Op, result.Test.Language));
        var p = result.Provenance;
        Assert.Equal(("lab-agent-7", "Citing Vendor", "Test device", "550.1", "engine-1", "1.0.0"),
            (p.Agent?.Name, p.Organization?.Name, p.Device, p.Driver, p.EngineVersion, p.AgentVersion));
        Assert.Equal(portal.Sku, p.Sku?.Id);
        Assert.Equal((false, CitedResultService.PartnerReportedWord), (p.Verified, p.Attestation));
        Assert.Equal(finished - TimeSpan.FromSeconds(5), result.RunAt);
        Assert.Equal(finished, result.PublishedAt);
        Assert.Equal(job, result.Job.Id);
        Assert.NotNull(result.Job.Result?.Timing);
    }

    [Fact]
    public async Task A_result_from_a_consortium_agent_is_cited_as_verified()
    {
        var job = await portal.CompletedAsync(portal.PublicTest, portal.Time.GetUtcNow(), verified: true);

        var result = await portal.Stranger.GetJsonAsync<CitedResultDto>($"/api/v1/results/{job}");

        Assert.Equal((true, CitedResultService.VerifiedWord), (result.Provenance.Verified, result.Provenance.Attestation));
    }

    [Fact]
    public async Task A_private_tests_result_is_not_found_for_those_who_may_not_see_the_test()
    {
        var job = await portal.CompletedAsync(portal.PrivateTest, portal.Time.GetUtcNow(), verdict: KernelStatus.Failed);

        var hidden = await portal.Stranger.GetAsync($"/api/v1/results/{job}").ExpectAsync(HttpStatusCode.NotFound);
        var body = await hidden.Content.ReadAsStringAsync();

        Assert.DoesNotContain("Secret fused kernel", body);
        Assert.Equal("failed", (await portal.VendorMember.GetJsonAsync<CitedResultDto>($"/api/v1/results/{job}")).Verdict);
        Assert.Equal("Secret fused kernel", (await portal.Admin.GetJsonAsync<CitedResultDto>($"/api/v1/results/{job}")).Test.Name);
    }

    [Fact]
    public async Task A_job_without_an_outcome_and_an_unknown_id_are_not_results()
    {
        var waiting = (await portal.AddRunAsync(portal.PublicTest, null, (portal.Device, null))).Single();

        await portal.Admin.GetAsync($"/api/v1/results/{waiting}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Admin.GetAsync($"/api/v1/results/{Guid.NewGuid()}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_later_run_gets_a_new_id_and_the_cited_one_keeps_its_verdict()
    {
        var first = await portal.CompletedAsync(portal.PublicTest, portal.Time.GetUtcNow(), verdict: KernelStatus.Passed);
        var later = await portal.CompletedAsync(portal.PublicTest, portal.Time.GetUtcNow() + TimeSpan.FromMinutes(1), verdict: KernelStatus.Failed);

        Assert.NotEqual(first, later);
        Assert.Equal("passed", (await portal.Stranger.GetJsonAsync<CitedResultDto>($"/api/v1/results/{first}")).Verdict);
        Assert.Equal("failed", (await portal.Stranger.GetJsonAsync<CitedResultDto>($"/api/v1/results/{later}")).Verdict);
    }
}
