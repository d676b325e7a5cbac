using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Home;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// GET /api/v1/home for each role over a known registry: what each role's section holds, and what it must not
/// (another ministry's projects, another organisation's SKUs and private tests, another developer's tests).
/// </summary>
public sealed class HomeServiceTests(HomeServiceTests.Registry registry) : IClassFixture<HomeServiceTests.Registry>
{
    public sealed class Registry : PortalFactory
    {
        public DateOnly Today { get; private set; }
        public Guid LateProject { get; private set; }
        public Guid SlippedProject { get; private set; }
        public Guid ProvenProject { get; private set; }
        public Guid MyNpu { get; private set; }
        public Guid MyGpu { get; private set; }
        public Guid SuiteVectorAdd { get; private set; }
        public int OpenClSuiteTests { get; private set; }
        public Guid MyFailingTest { get; private set; }
        public HttpClient Officer { get; private set; } = null!;
        public HttpClient Partner { get; private set; } = null!;
        public HttpClient Developer { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient EveryRole { get; private set; } = null!;
        public HttpClient Nobody { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            var now = Time.GetUtcNow();
            Today = DateOnly.FromDateTime(now.UtcDateTime);
            var ministry = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Home Ministry", OrganizationKind.Ministry, "KR"));
            var otherMinistry = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Other Ministry", OrganizationKind.Ministry, "JP"));
            var vendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Home Chips", OrganizationKind.ChipDesigner, "KR"));
            var rival = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rival Chips", OrganizationKind.ChipDesigner, "US"));
            var lab = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Kernel Lab", OrganizationKind.Research, "KR"));

            MyNpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "HC-1", SkuCategory.Npu));
            MyGpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "HC-2", SkuCategory.Gpu));
            var rivalGpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, rival, "RV-9", SkuCategory.Gpu));

            // Overdue "Permits" comes before the sooner "Groundbreaking"; HC-1 is not proven: red for both reasons.
            LateProject = await ProjectAsync(ministry, "Late Project", [(MyNpu, 100, 0)],
                [(Today.AddDays(-10), "Permits", MilestoneStatus.Planned), (Today.AddDays(5), "Groundbreaking", MilestoneStatus.Planned)]);
            // Marked slipped with a date still ahead: overdue all the same, and shown before the planned one that is sooner.
            SlippedProject = await ProjectAsync(ministry, "Slipped Project", [],
                [(Today.AddDays(20), "Grid connection", MilestoneStatus.Slipped), (Today.AddDays(3), "Tender", MilestoneStatus.Planned),
                 (Today.AddDays(-40), "Announced", MilestoneStatus.Done)]);
            ProvenProject = await ProjectAsync(ministry, "Proven Project", [(MyGpu, 10, 4)], [(Today.AddDays(60), "Power on", MilestoneStatus.Planned)]);
            await ProjectAsync(otherMinistry, "Foreign Project", [(MyNpu, 5, 0)], [(Today.AddDays(-1), "Late abroad", MilestoneStatus.Planned)]);

            var suite = await WithDbAsync(db => db.CompatibilityTests.Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Language == "opencl-c")
                .Select(t => new { t.Id, t.Op, t.Dtype }).ToListAsync());
            OpenClSuiteTests = suite.Count;
            SuiteVectorAdd = suite.Single(t => t.Op == "vector_add" && t.Dtype == "f32").Id;
            // HC-2 passes the whole OpenCL C suite on a consortium agent: proven.
            foreach (var test in suite)
                await CompletedAsync(test.Id, MyGpu, KernelStatus.Passed, now - TimeSpan.FromDays(2), verified: true, driver: "7.0");

            // HC-1: vector_add passed (verified, driver 1.0), then fails (partner-reported, driver 2.0): a regression.
            await CompletedAsync(SuiteVectorAdd, MyNpu, KernelStatus.Passed, now - TimeSpan.FromDays(3), verified: true, driver: "1.0");
            await CompletedAsync(SuiteVectorAdd, MyNpu, KernelStatus.Failed, now - TimeSpan.FromDays(1), verified: false, driver: "2.0");
            // The same on HC-1 with a rival's private test, and on the rival's own SKU: neither is the partner's to see.
            var rivalSecret = await this.AddTestAsync("rival secret kernel", rival, TestVisibility.Private);
            await CompletedAsync(rivalSecret, MyNpu, KernelStatus.Passed, now - TimeSpan.FromDays(3), verified: false, driver: "1.0");
            await CompletedAsync(rivalSecret, MyNpu, KernelStatus.Failed, now - TimeSpan.FromDays(1), verified: false, driver: "2.0");
            await CompletedAsync(SuiteVectorAdd, rivalGpu, KernelStatus.Passed, now - TimeSpan.FromDays(3), verified: false, driver: "1.0");
            await CompletedAsync(SuiteVectorAdd, rivalGpu, KernelStatus.Failed, now - TimeSpan.FromDays(1), verified: false, driver: "2.0");

            var developer = await CreateUserAsync("Dev", false, (lab, MemberRole.Developer));
            var colleague = await CreateUserAsync("Colleague", false, (lab, MemberRole.Developer));
            MyFailingTest = await this.AddTestAsync("my failing kernel", lab, TestVisibility.Private, ownerUserId: developer.Id);
            var passing = await this.AddTestAsync("my passing kernel", lab, TestVisibility.Consortium, ownerUserId: developer.Id);
            await this.AddTestAsync("my untried kernel", lab, TestVisibility.Private, ownerUserId: developer.Id);
            var colleagues = await this.AddTestAsync("colleague's private kernel", lab, TestVisibility.Private, ownerUserId: colleague.Id);
            var passedJob = (await this.AddRunAsync(passing, developer.Id, (null, MyGpu)))[0];
            await this.CompleteJobAsync(passedJob, KernelStatus.Passed, now - TimeSpan.FromHours(1), MyGpu);
            var failedJobs = await this.AddRunAsync(MyFailingTest, developer.Id, (null, MyGpu), (null, MyNpu));
            await this.CompleteJobAsync(failedJobs[0], KernelStatus.Failed, now - TimeSpan.FromHours(2), MyGpu);
            await this.AddRunAsync(colleagues, colleague.Id, (null, MyGpu));

            // For the admin: a pending join request, a device mapped by hand and not confirmed, a job that ran out of attempts.
            await AddJoinRequestAsync(vendor, await CreateUserAsync("Applicant"), MemberRole.Member);
            var agent = await this.AddAgentAsync(rival, "rival agent");
            var device = await this.AddDeviceAsync(agent, "Mystery accelerator", rivalGpu, "opencl-c");
            await WithDbAsync(db => db.AgentDevices.Where(d => d.Id == device).ExecuteUpdateAsync(s => s.SetProperty(d => d.SkuSetByHand, true)));
            var gaveUp = (await this.AddRunAsync(colleagues, colleague.Id, (null, rivalGpu)))[0];
            await this.UpdateJobAsync(gaveUp, job => { job.Status = JobStatus.Failed; job.FinishedAt = now; job.FailureReason = "lease expired 3 times"; });

            Officer = await CreateClientForAsync(await CreateUserAsync("Officer", false, (ministry, MemberRole.Member)));
            Partner = await CreateClientForAsync(await CreateUserAsync("Partner", false, (vendor, MemberRole.Admin)));
            Developer = await CreateClientForAsync(developer);
            Admin = await CreateClientForAsync(await CreateUserAsync("Admin", consortiumAdmin: true));
            EveryRole = await CreateClientForAsync(await CreateUserAsync("Everyone", false,
                (ministry, MemberRole.Member), (vendor, MemberRole.Member), (lab, MemberRole.Developer)));
            Nobody = await CreateClientForAsync(await CreateUserAsync("Nobody"));
        }

        private async Task<Guid> ProjectAsync(Guid ministry, string name, (Guid Sku, int Planned, int Installed)[] hardware,
            (DateOnly Date, string Title, MilestoneStatus Status)[] milestones)
        {
            var id = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, name, "KR", DeploymentStatus.UnderConstruction, 20, 5, hardware, milestones));
            await WithDbAsync(db => db.Deployments.Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.MinistryId, ministry)));
            return id;
        }

        private async Task CompletedAsync(Guid test, Guid sku, KernelStatus verdict, DateTimeOffset at, bool verified, string driver)
        {
            var job = (await this.AddRunAsync(test, null, (null, sku)))[0];
            await this.CompleteJobAsync(job, verdict, at, sku, verified: verified);
            await this.UpdateJobAsync(job, j => j.DriverVersion = driver);
        }
    }

    private static Task<HomeDto> HomeAsync(HttpClient client) => client.GetJsonAsync<HomeDto>("/api/v1/home");

    [Fact]
    public async Task A_ministry_officer_sees_their_ministrys_projects_needing_attention_first()
    {
        var home = await HomeAsync(registry.Officer);

        var ministry = Assert.IsType<MinistryHomeDto>(home.Ministry);
        Assert.Equal(["Home Ministry"], ministry.Ministries.Select(m => m.Name));
        // Another ministry's project is not theirs; red before amber before green.
        Assert.Equal(3, ministry.ProjectTotal);
        Assert.Equal(["Late Project", "Slipped Project", "Proven Project"], ministry.Projects.Select(p => p.Name));
        Assert.Equal([TrafficLight.Red, TrafficLight.Red, TrafficLight.Green], ministry.Projects.Select(p => p.Signal.Light));
        Assert.Null(home.Partner);
        Assert.Null(home.Developer);
        Assert.Null(home.Admin);
    }

    [Fact]
    public async Task The_next_milestone_never_skips_an_overdue_one()
    {
        var projects = (await HomeAsync(registry.Officer)).Ministry!.Projects.ToDictionary(p => p.Id);

        var late = projects[registry.LateProject];
        Assert.Equal(new ProjectMilestoneDto(registry.Today.AddDays(-10), "Permits", MilestoneStatus.Planned, true), late.Milestone);
        Assert.Equal(1, late.OverdueMilestones);
        var slipped = projects[registry.SlippedProject];
        Assert.Equal(new ProjectMilestoneDto(registry.Today.AddDays(20), "Grid connection", MilestoneStatus.Slipped, true), slipped.Milestone);
        Assert.Equal([SignalReason.MilestoneOverdue, SignalReason.NoAccelerators], slipped.Signal.Reasons);
        var proven = projects[registry.ProvenProject];
        Assert.Equal(new ProjectMilestoneDto(registry.Today.AddDays(60), "Power on", MilestoneStatus.Planned, false), proven.Milestone);
        Assert.Equal(0, proven.OverdueMilestones);
    }

    [Fact]
    public async Task A_projects_light_follows_its_coverage_and_power_is_as_stated()
    {
        var projects = (await HomeAsync(registry.Officer)).Ministry!.Projects.ToDictionary(p => p.Id);

        var late = projects[registry.LateProject];
        Assert.Equal((100, 0, (double?)0.0), (late.Coverage.AcceleratorUnits, late.Coverage.ProvenUnits, late.Coverage.Share));
        Assert.Equal([SignalReason.MilestoneOverdue, SignalReason.CoverageLow], late.Signal.Reasons);
        var proven = projects[registry.ProvenProject];
        Assert.Equal((10, 10, (double?)1.0), (proven.Coverage.AcceleratorUnits, proven.Coverage.ProvenUnits, proven.Coverage.Share));
        Assert.Empty(proven.Signal.Reasons);
        Assert.Equal(((double?)20.0, (double?)5.0), (proven.PlannedMw, proven.InstalledMw));
    }

    [Fact]
    public async Task A_partner_sees_only_its_own_skus_with_verified_and_partner_reported_rates_apart()
    {
        var partner = Assert.IsType<PartnerHomeDto>((await HomeAsync(registry.Partner)).Partner);

        Assert.Equal(["Home Chips"], partner.Organizations.Select(o => o.Name));
        Assert.Equal(["HC-1", "HC-2"], partner.Skus.Select(s => s.Name));
        var n = registry.OpenClSuiteTests;
        var npu = Assert.Single(partner.Skus[0].Languages);
        Assert.Equal(new SkuLanguageRateDto("opencl-c", n, new LanguageRateDto(1, 1, 1.0 / n), new LanguageRateDto(1, 0, 0)), npu);
        var gpu = Assert.Single(partner.Skus[1].Languages);
        Assert.Equal(new SkuLanguageRateDto("opencl-c", n, new LanguageRateDto(n, n, 1.0), null), gpu);
        // Where they are deployed, another ministry's project included: a partner's hardware is where it is.
        Assert.Equal(["Late Project", "Foreign Project"], partner.Skus[0].Deployments.Select(d => d.DeploymentName));
        Assert.Equal((105L, 0L), (partner.Skus[0].PlannedUnits, partner.Skus[0].InstalledUnits));
    }

    [Fact]
    public async Task A_partner_sees_a_regression_with_both_driver_versions_and_not_a_rivals_private_test()
    {
        var partner = (await HomeAsync(registry.Partner)).Partner!;

        var regression = Assert.Single(partner.Regressions);
        Assert.Equal((registry.MyNpu, "HC-1", registry.SuiteVectorAdd, "opencl-c", "failed", "1.0", "2.0", false),
            (regression.SkuId, regression.SkuName, regression.TestId, regression.Language, regression.Verdict, regression.PassedDriver,
             regression.FailedDriver, regression.FailedVerified));
        Assert.True(regression.PassedAt < regression.FailedAt);
    }

    [Fact]
    public async Task A_developer_sees_their_own_tests_and_runs_failures_first_and_not_a_colleagues()
    {
        var home = await HomeAsync(registry.Developer);

        var developer = Assert.IsType<DeveloperHomeDto>(home.Developer);
        Assert.Equal(3, developer.TestTotal);
        Assert.Equal(["my failing kernel", "my passing kernel", "my untried kernel"], developer.Tests.Select(t => t.Name));
        Assert.Equal([true, false, false], developer.Tests.Select(t => t.Failing));
        Assert.Equal(["failed", "passed", null], developer.Tests.Select(t => t.LatestVerdict));
        Assert.Equal(["my failing kernel", "my passing kernel"], developer.Runs.Select(r => r.Name));
        var failing = developer.Runs[0];
        Assert.Equal((2, 0, 1, 1), (failing.Jobs, failing.Passed, failing.Failing, failing.Pending));
        // A developer of a research lab is no partner and no ministry officer.
        Assert.Null(home.Partner);
        Assert.Null(home.Ministry);
    }

    [Fact]
    public async Task A_consortium_admin_sees_what_waits_for_a_decision()
    {
        var home = await HomeAsync(registry.Admin);

        var admin = Assert.IsType<AdminHomeDto>(home.Admin);
        var request = Assert.Single(admin.JoinRequests);
        Assert.Equal(("Applicant", "Home Chips"), (request.UserName, request.OrganizationName));
        var mapping = Assert.Single(admin.Mappings);
        Assert.Equal((1, "Mystery accelerator", "RV-9", "Rival Chips"), (admin.MappingTotal, mapping.DeviceName, mapping.SkuName, mapping.OrganizationName));
        var failed = Assert.Single(admin.FailedJobs);
        Assert.Equal((1, "colleague's private kernel"), (admin.FailedJobTotal, failed.TestName));
        Assert.False(admin.NothingWaits);
        Assert.Null(home.Ministry);
        Assert.Null(home.Partner);
    }

    [Fact]
    public async Task A_person_with_several_roles_gets_each_section_and_a_person_with_none_gets_none()
    {
        var every = await HomeAsync(registry.EveryRole);
        Assert.NotNull(every.Ministry);
        Assert.NotNull(every.Partner);
        var developer = Assert.IsType<DeveloperHomeDto>(every.Developer);
        // Their developer section is empty (they wrote nothing): another developer's tests never fill it.
        Assert.Equal(0, developer.TestTotal);
        Assert.Empty(developer.Runs);
        Assert.Null(every.Admin);

        var nobody = await HomeAsync(registry.Nobody);
        Assert.Null(nobody.Ministry);
        Assert.Null(nobody.Partner);
        Assert.Null(nobody.Developer);
        Assert.Null(nobody.Admin);
    }

    [Fact]
    public async Task Anonymous_callers_get_no_home()
    {
        var response = await registry.CreateAnonymousClient().GetAsync("/api/v1/home");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(DeploymentStatus.Cancelled, -1, 0, 0, TrafficLight.None)]
    [InlineData(DeploymentStatus.Planned, 30, 10, 10, TrafficLight.Amber)]
    [InlineData(DeploymentStatus.Planned, 31, 10, 10, TrafficLight.Green)]
    [InlineData(DeploymentStatus.Planned, 31, 10, 5, TrafficLight.Amber)]
    [InlineData(DeploymentStatus.Planned, 31, 10, 4, TrafficLight.Red)]
    [InlineData(DeploymentStatus.Planned, 31, 0, 0, TrafficLight.Amber)]
    public void The_traffic_light_rule_has_its_thresholds_where_the_legend_says(DeploymentStatus status, int milestoneInDays, int units, int proven,
        TrafficLight expected)
    {
        var today = new DateOnly(2026, 6, 1);
        var milestone = new ProjectMilestoneDto(today.AddDays(milestoneInDays), "m", MilestoneStatus.Planned, milestoneInDays < 0);

        var signal = ProjectSignal.Of(status, milestone, milestoneInDays < 0 ? 1 : 0, new ProjectCoverageDto(units, proven, []), today);

        Assert.Equal(expected, signal.Light);
    }
}
