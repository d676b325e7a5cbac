using System.Net;
using Portal.Api.Dashboard;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/dashboard over a known registry: every aggregate exactly as the rows add up.</summary>
public sealed class DashboardServiceTests(DashboardServiceTests.Registry registry) : IClassFixture<DashboardServiceTests.Registry>
{
    /// <summary>
    /// Five deployments in four countries; accelerators from a US and a Korean vendor, placed at home and
    /// abroad, next to memory and CPU lines that are not accelerators.
    /// </summary>
    public sealed class Registry : PortalFactory
    {
        public DateOnly Today { get; private set; }
        public Guid Seoul { get; private set; }
        public Guid Busan { get; private set; }
        public Guid Oslo { get; private set; }
        public Guid KoreanNpu { get; private set; }
        public Guid KoreanAsic { get; private set; }
        public HttpClient Partner { get; private set; } = null!;
        public HttpClient Ministry { get; private set; } = null!;
        public HttpClient PartnerWithoutSkus { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Today = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
            var ministry = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Ministry KR", OrganizationKind.Ministry, "KR"));
            var usVendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "US Chips", OrganizationKind.ChipDesigner, "US"));
            var krVendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "K Chips", OrganizationKind.ChipDesigner, "KR"));
            var krMemory = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "K Memory", OrganizationKind.MemoryMaker, "KR"));
            var foundry = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Idle Foundry", OrganizationKind.Foundry, "TW"));

            var usGpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, usVendor, "US GPU", SkuCategory.Gpu));
            var usCpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, usVendor, "US CPU", SkuCategory.Cpu));
            KoreanNpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, krVendor, "K-NPU 2", SkuCategory.Npu));
            KoreanAsic = await WithDbAsync(db => DashboardRows.SkuAsync(db, krVendor, "K-ASIC 1", SkuCategory.Asic));
            var hbm = await WithDbAsync(db => DashboardRows.SkuAsync(db, krMemory, "K HBM", SkuCategory.Memory));

            Seoul = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Seoul A", "KR", DeploymentStatus.Planned, 40, null,
                [(usGpu, 1000, 200), (KoreanNpu, 500, 0), (hbm, 6000, 0)],
                // 25 milestones due from tomorrow on (20 are listed), one slipped.
                [.. Enumerable.Range(1, 25).Select(d => (Today.AddDays(d), $"Step {d:00}", MilestoneStatus.Planned)),
                 (Today.AddDays(-3), "Late step", MilestoneStatus.Planned)]));
            Busan = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Busan B", "KR", DeploymentStatus.UnderConstruction, 60, 10,
                [(KoreanAsic, 300, 100), (usCpu, 50, 50)]));
            Oslo = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Oslo C", "NO", DeploymentStatus.UnderConstruction, null, null,
                [(KoreanNpu, 700, 0), (usGpu, 2000, 0)]));
            await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Austin D", "US", DeploymentStatus.Operational, 100, 100,
                [(usGpu, 4000, 4000)]));
            await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Abu Dhabi E", "AE", DeploymentStatus.Announced));

            Partner = await CreateClientForAsync(await CreateUserAsync("Kim", false, (krVendor, MemberRole.Member), (ministry, MemberRole.Admin)));
            Ministry = await CreateClientForAsync(await CreateUserAsync("Lee", false, (ministry, MemberRole.Member)));
            PartnerWithoutSkus = await CreateClientForAsync(await CreateUserAsync("Park", false, (foundry, MemberRole.Admin)));
        }
    }

    private Task<DashboardDto> DashboardAsync(HttpClient? client = null) =>
        (client ?? registry.Ministry).GetJsonAsync<DashboardDto>("/api/v1/dashboard");

    [Fact]
    public async Task Deployments_are_counted_by_status_in_the_order_of_their_life()
    {
        var dashboard = await DashboardAsync();

        Assert.Equal(
            [new(DeploymentStatus.Announced, 1), new(DeploymentStatus.Planned, 1), new(DeploymentStatus.UnderConstruction, 2), new StatusCountDto(DeploymentStatus.Operational, 1)],
            dashboard.DeploymentsByStatus);
    }

    [Fact]
    public async Task Power_is_summed_by_country_over_the_deployments_that_state_it()
    {
        var dashboard = await DashboardAsync();

        Assert.Equal(
            [new("US", 1, 100, 1, 100, 1), new("KR", 2, 100, 2, 10, 1), new("AE", 1, 0, 0, 0, 0), new CountryPowerDto("NO", 1, 0, 0, 0, 0)],
            dashboard.PowerByCountry);
    }

    [Fact]
    public async Task Accelerators_are_split_by_vendor_country_into_domestic_and_foreign_and_exclude_memory_and_cpus()
    {
        var dashboard = await DashboardAsync();

        // US vendor: 4000 at home (Austin); 1000 in Seoul and 2000 in Oslo abroad. Korean vendor: 500 + 300
        // at home (Seoul, Busan); 700 in Oslo abroad. The HBM and CPU lines count nowhere.
        Assert.Equal(
            [new("US", 4000, 3000, 4000, 200), new AcceleratorOriginDto("KR", 800, 700, 100, 0)],
            dashboard.AcceleratorsByVendorCountry);
    }

    [Fact]
    public async Task Milestones_list_the_first_20_due_with_their_deployment_and_the_total()
    {
        var dashboard = await DashboardAsync();

        Assert.Equal((registry.Today, 90), (dashboard.Today, dashboard.MilestoneWindowDays));
        Assert.Equal(25, dashboard.MilestonesDue.Total);
        Assert.Equal(Enumerable.Range(1, 20).Select(d => $"Step {d:00}"), dashboard.MilestonesDue.Items.Select(m => m.Title));
        Assert.All(dashboard.MilestonesDue.Items, m => Assert.Equal((registry.Seoul, "Seoul A", "KR"), (m.DeploymentId, m.DeploymentName, m.Country)));
        var late = Assert.Single(dashboard.MilestonesSlipped.Items);
        Assert.Equal((1, "Late step", registry.Today.AddDays(-3), MilestoneStatus.Planned), (dashboard.MilestonesSlipped.Total, late.Title, late.Date, late.Status));
    }

    [Fact]
    public async Task Anonymous_callers_read_the_public_dashboard()
    {
        // The consortium view is part of the public record (DESIGN.md "Public by default"); PublicRecordTests checks that
        // it counts public deployments only.
        var response = await registry.CreateAnonymousClient().GetAsync("/api/v1/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
