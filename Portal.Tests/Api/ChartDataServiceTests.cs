using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Charts;
using Portal.Api.Common;
using Portal.Contracts;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>The charts' series from a known registry on real PostgreSQL: each figure exactly as the rows add up.</summary>
public sealed class ChartDataServiceTests(ChartDataServiceTests.Registry registry) : IClassFixture<ChartDataServiceTests.Registry>
{
    public sealed class Registry : PortalFactory
    {
        public DateOnly Today { get; private set; }
        public Guid Partner { get; private set; }
        public Guid Other { get; private set; }
        public Guid Sku { get; private set; }
        public Guid BareSku { get; private set; }
        public Guid Run { get; private set; }
        public Guid Seoul { get; private set; }

        protected override async Task StartedAsync()
        {
            var now = Time.GetUtcNow();
            Today = DateOnly.FromDateTime(now.UtcDateTime);
            Partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "K Chips", OrganizationKind.ChipDesigner, "KR"));
            Other = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "US Chips", OrganizationKind.ChipDesigner, "US"));
            Sku = await WithDbAsync(db => DashboardRows.SkuAsync(db, Partner, "Chart NPU", SkuCategory.Npu));
            BareSku = await WithDbAsync(db => DashboardRows.SkuAsync(db, Other, "Bare GPU", SkuCategory.Gpu));
            await WithDbAsync(async db =>
            {
                var sku = await db.HardwareSkus.FindAsync(Sku);
                sku!.MemoryBandwidthTbs = 2; // 2,000 GB/s
                sku.Bf16Tflops = 100;        // 100,000 GFLOP/s
                db.Actor = Portal.Data.Audit.AuditActor.System;
                return await db.SaveChangesAsync();
            });
            var agent = await this.AddAgentAsync(Partner, "chart agent");
            var device = await this.AddDeviceAsync(agent, "Chart NPU device", Sku, "opencl-c");

            var vectorAdd = await this.AddTestAsync("vector add", null, TestVisibility.Consortium, op: "vector_add");
            var matmul = await this.AddTestAsync("matmul", null, TestVisibility.Consortium, op: "matmul");
            var gelu = await this.AddTestAsync("gelu", null, TestVisibility.Consortium, op: "gelu");
            var secret = await this.AddTestAsync("their vector add", Other, TestVisibility.Private, op: "vector_add");

            async Task<Guid> Job(Guid test) => (await this.AddRunAsync(test, null, (device, null)))[0];
            var early = now - TimeSpan.FromDays(10);
            var late = now - TimeSpan.FromDays(2);
            // vector_add: 500 GB/s on the old driver, 800 on the new one (the best), and a suspect 5,000 left out.
            await this.CompleteTimedAsync(await Job(vectorAdd), Sku, device, KernelStatus.Passed, early, "550.1", 500, 40);
            await this.CompleteTimedAsync(await Job(vectorAdd), Sku, device, KernelStatus.Passed, late, "560.2", 800, 60);
            await this.CompleteTimedAsync(await Job(vectorAdd), Sku, device, KernelStatus.Passed, late, "560.2", 5000, 400, suspect: true);
            // matmul, compute-bound: 20,000 GFLOP/s at 100 GB/s (intensity 200).
            await this.CompleteTimedAsync(await Job(matmul), Sku, device, KernelStatus.Passed, early, "550.1", 100, 20000);
            // gelu fails on the old driver; on the new one it is unsupported, which says nothing about the driver.
            await this.CompleteTimedAsync(await Job(gelu), Sku, device, KernelStatus.Failed, early, "550.1", 300, 10);
            await this.CompleteTimedAsync(await Job(gelu), Sku, device, KernelStatus.Unsupported, late, "560.2", 0);
            // Another organisation's private test: 1,500 GB/s that only its members and admins may see.
            await this.CompleteTimedAsync(await Job(secret), Sku, device, KernelStatus.Passed, late, "560.2", 1500, 100);

            // A run of two jobs: one timed, one still queued.
            var jobs = await this.AddRunAsync(gelu, null, (device, null), (device, null));
            Run = await WithDbAsync(db => Task.FromResult(db.Jobs.Single(j => j.Id == jobs[0]).RunId));
            await this.CompleteTimedAsync(jobs[0], Sku, device, KernelStatus.Passed, late + TimeSpan.FromMinutes(1), "560.2", 300, 10, spread: (1, 2, 3, 5));

            var hbm = await WithDbAsync(db => DashboardRows.SkuAsync(db, Partner, "K HBM", SkuCategory.Memory));
            var usGpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, Other, "US GPU", SkuCategory.Gpu));
            Seoul = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Seoul A", "KR", DeploymentStatus.UnderConstruction, 40, 10,
                [(Sku, 300, 100), (usGpu, 100, 0), (hbm, 6000, 0)],
                [(Today.AddDays(-30), "Ground broken", MilestoneStatus.Done), (Today.AddDays(-3), "Power on", MilestoneStatus.Planned),
                 (Today.AddDays(40), "First racks", MilestoneStatus.Planned)]));
            await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Oslo B", "NO", DeploymentStatus.Planned, null, null,
                [(usGpu, 2000, 0)], [(Today.AddDays(100), "Permit", MilestoneStatus.Slipped)]));
            await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Empty C", "US", DeploymentStatus.Announced));
        }

        public Task<T> AsAsync<T>(Caller caller, Func<ChartDataService, Caller, Task<T>> work) =>
            InScopeAsync(services => work(services.GetRequiredService<ChartDataService>(), caller));
    }

    private Caller Member => new(Guid.NewGuid(), "Kim", false, new Dictionary<Guid, MemberRole> { [registry.Partner] = MemberRole.Member });
    private static Caller Admin => new(Guid.NewGuid(), "Admin", true, new Dictionary<Guid, MemberRole>());

    private Task<SkuChartsDto?> SkuAsync(Caller caller, Guid? sku = null) =>
        registry.AsAsync(caller, (s, c) => s.SkuAsync(c, sku ?? registry.Sku, CancellationToken.None));

    [Fact]
    public async Task Each_op_shows_its_best_passed_timing_that_is_not_suspect_with_the_datasheet_figures()
    {
        var sku = (await SkuAsync(Member))!;

        Assert.Equal(2000, sku.DatasheetGbPerSecond);
        Assert.Equal(100_000, sku.DatasheetBf16GflopPerSecond);
        Assert.Null(sku.DatasheetFp8GflopPerSecond);
        Assert.Equal(
            [("gelu", "f32", false, 300.0, 10.0, 1), ("vector_add", "f32", false, 800.0, 60.0, 2), ("matmul", "f32", true, 100.0, 20000.0, 1)],
            sku.Ops.Select(o => (o.Op, o.Dtype, o.ComputeBound, o.GbPerSecond!.Value, o.GflopPerSecond!.Value, o.Results)));
        Assert.Equal(200, sku.Ops.Single(o => o.Op == "matmul").Intensity);
    }

    [Fact]
    public async Task A_private_test_counts_only_for_those_who_may_see_it()
    {
        var admin = (await SkuAsync(Admin))!;

        var vectorAdd = admin.Ops.Single(o => o.Op == "vector_add");
        Assert.Equal((1500.0, 3), (vectorAdd.GbPerSecond!.Value, vectorAdd.Results));
        Assert.Equal(3, admin.Drivers.Single(d => d.Driver == "560.2").Tested);
    }

    [Fact]
    public async Task Pass_rate_counts_each_tests_latest_verdict_per_driver_in_the_order_drivers_appeared()
    {
        var sku = (await SkuAsync(Member))!;

        // 550.1: vector_add and matmul passed, gelu failed. 560.2: vector_add passed, gelu unsupported (left out), and the
        // run's gelu job passed.
        Assert.Equal(
            [("550.1", "opencl-c", 2, 3), ("560.2", "opencl-c", 2, 2)],
            sku.Drivers.Select(d => (d.Driver, d.Language, d.Passed, d.Tested)));
    }

    [Fact]
    public async Task A_sku_without_results_or_datasheet_has_empty_series()
    {
        var sku = (await SkuAsync(Member, registry.BareSku))!;

        Assert.Empty(sku.Ops);
        Assert.Empty(sku.Drivers);
        Assert.Null(sku.DatasheetGbPerSecond);
        Assert.Null(await SkuAsync(Member, Guid.NewGuid()));
    }

    [Fact]
    public async Task A_runs_timing_spread_lists_the_jobs_that_have_a_timing()
    {
        var timings = await registry.AsAsync(Member, (s, c) => s.RunTimingsAsync(c, registry.Run, CancellationToken.None));

        var job = Assert.Single(timings);
        Assert.Equal(("gelu", "gelu", "Chart device", "passed", 1.0, 2.0, 3.0, 5.0, 20),
            (job.Test, job.Op, job.Device, job.Verdict, job.MinMs, job.MedianMs, job.P90Ms, job.MaxMs, job.Iterations));
    }

    [Fact]
    public async Task Deployments_give_milestones_with_one_meaning_of_overdue_capacity_and_domestic_share()
    {
        var charts = await registry.AsAsync(Member, (s, caller) => s.DeploymentsAsync(caller, CancellationToken.None));

        Assert.Equal(registry.Today, charts.Today);
        Assert.Equal(
            [("Oslo B", "Permit", true), ("Seoul A", "Ground broken", false), ("Seoul A", "Power on", true), ("Seoul A", "First racks", false)],
            charts.Milestones.Select(m => (m.Deployment, m.Title, m.Overdue)));
        // Memory lines are not accelerators; a project that states nothing is left out.
        Assert.Equal(
            [("Seoul A", (double?)40, (double?)10, 400L, 100L), ("Oslo B", null, null, 2000L, 0L)],
            charts.Projects.Select(p => (p.Name, p.PlannedMw, p.InstalledMw, p.PlannedAccelerators, p.InstalledAccelerators)));
        Assert.Equal([("NO", 0L, 2000L), ("KR", 300L, 100L)], charts.Countries.Select(c => (c.Country, c.Domestic, c.Foreign)));
        Assert.Equal(0.75, charts.Countries.Single(c => c.Country == "KR").Share);
    }
}
