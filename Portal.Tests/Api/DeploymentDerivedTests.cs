using System.Net;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data.Deployments;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>The figures derived from a deployment's hardware bill and milestones, on data whose answers are known.</summary>
public sealed class DeploymentDerivedTests(DeploymentPortal portal) : IClassFixture<DeploymentPortal>
{
    private DateOnly Today => DateOnly.FromDateTime(portal.Time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// 50 MW in Korea: 1,000 American GPUs (400 installed, 2,250 TFLOP/s each), 3,000 Korean NPUs (256 TFLOP/s),
    /// 500 Korean NPUs without a published BF16 figure, and 6,000 memory stacks that are not accelerators.
    /// </summary>
    private async Task<Guid> AddKnownDeploymentAsync(string name)
    {
        var unpublished = await portal.AddSkuAsync(portal.KoreanVendor, "Secret NPU " + Guid.NewGuid().ToString("N"), SkuCategory.Npu);
        var memory = await portal.AddSkuAsync(portal.KoreanVendor, "HBM " + Guid.NewGuid().ToString("N"), SkuCategory.Memory, s => s.Bf16Tflops = 1_000_000);
        return await portal.AddDeploymentAsync(name, "KR", portal.Ministry, plannedMw: 50,
            hardware: [(portal.AmericanGpu, 1000, 400), (portal.KoreanNpu, 3000, 0), (unpublished, 500, 100), (memory, 6000, 6000)],
            milestones:
            [
                (Today.AddYears(-5), "Agreement signed", MilestoneStatus.Done),
                (Today.AddDays(-10), "Overdue permit", MilestoneStatus.Slipped),
                (Today.AddDays(5), "Grid connection", MilestoneStatus.Slipped),
                (Today.AddDays(3), "Already finished early", MilestoneStatus.Done),
                (Today.AddDays(30), "Power-on", MilestoneStatus.Planned),
            ]);
    }

    [Fact]
    public async Task The_detail_derives_each_figure_from_the_bill_and_the_milestones()
    {
        var id = await AddKnownDeploymentAsync("Known figures");

        var figures = (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).Figures;

        Assert.Equal(4500, figures.PlannedAccelerators);
        Assert.Equal(500, figures.InstalledAccelerators);
        Assert.Equal(3018, figures.PeakBf16PflopsPlanned, 6);
        Assert.Equal(900, figures.PeakBf16PflopsInstalled, 6);
        Assert.Equal(500, figures.UnitsWithoutBf16);
        Assert.Equal(50_000.0 / 4500, figures.KwPerAccelerator!.Value, 6);
        Assert.Equal(3500.0 / 4500, figures.DomesticShare!.Value, 6);
        // The next milestone never skips an overdue one: the permit that slipped ten days ago comes before the grid connection.
        Assert.Equal(("Overdue permit", Today.AddDays(-10), true), (figures.NextMilestone!.Title, figures.NextMilestone.Date, figures.NextMilestone.Overdue));
        Assert.Equal(2, figures.SlippedMilestones);
    }

    [Fact]
    public async Task The_list_and_the_export_carry_the_same_figures_as_the_detail()
    {
        var id = await AddKnownDeploymentAsync("Listed figures");
        var detail = await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");

        var page = await portal.OtherMember.GetJsonAsync<PagedList<DeploymentListItem>>("/api/v1/deployments?q=Listed%20figures");
        var csv = Csv.Parse(await portal.OtherMember.GetStringAsync("/api/v1/deployments/export.csv?q=Listed%20figures"));

        Assert.Equal(detail.Figures, Assert.Single(page.Items).Figures);
        var row = csv[0].Zip(csv[1]).ToDictionary(c => c.First, c => c.Second);
        Assert.Equal(("4500", "500", "3018", "900", "500", "0.7778", "2"),
            (row["planned_accelerators"], row["installed_accelerators"], row["peak_bf16_pflops_planned"], row["peak_bf16_pflops_installed"],
             row["units_without_bf16"], row["domestic_share"], row["slipped_milestones"]));
        Assert.Equal(Today.AddDays(-10).ToString("yyyy-MM-dd"), row["next_milestone_date"]);
    }

    [Fact]
    public async Task A_planned_milestone_whose_day_passes_stays_next_and_counts_as_overdue()
    {
        var milestones = new[] { (Today.AddDays(40), "Later", MilestoneStatus.Planned), (Today.AddDays(20), "Sooner", MilestoneStatus.Planned) };
        var id = await portal.AddDeploymentAsync("Clockwork", milestones: milestones);
        var sooner = Today.AddDays(20);

        Assert.Equal("Sooner", (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).Figures.NextMilestone?.Title);
        // Other tests build dates from the clock as they run, so moving it on does not disturb them.
        portal.Time.Advance(TimeSpan.FromDays(21));

        var deployment = await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");
        Assert.True(Today > sooner);
        // Still planned a day after its date: overdue, counted as slipped, and still the next thing to happen.
        Assert.Equal(("Sooner", true), (deployment.Figures.NextMilestone?.Title, deployment.Figures.NextMilestone?.Overdue));
        Assert.Equal(1, deployment.Figures.SlippedMilestones);
        Assert.Equal([("Sooner", true), ("Later", false)], deployment.Milestones.Select(m => (m.Title, m.Overdue)));
    }

    [Fact]
    public async Task Without_accelerators_the_ratios_are_unknown_not_zero()
    {
        var id = await portal.AddDeploymentAsync("Empty hall", plannedMw: 30);

        var figures = (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).Figures;

        Assert.Equal((0L, 0.0, null, null, null, 0), (figures.PlannedAccelerators, figures.PeakBf16PflopsPlanned, figures.KwPerAccelerator,
            figures.DomesticShare, figures.NextMilestone, figures.SlippedMilestones));
    }

    [Fact]
    public async Task Power_per_accelerator_needs_the_planned_power()
    {
        var id = await portal.AddDeploymentAsync("Unknown power", hardware: [(portal.AmericanGpu, 800, 0)]);

        var figures = (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).Figures;

        Assert.Null(figures.KwPerAccelerator);
        Assert.Equal(0.0, figures.DomesticShare);
    }

    [Fact]
    public async Task A_line_added_through_the_api_changes_the_figures()
    {
        var id = await portal.AddDeploymentAsync("Growing", "KR", portal.Ministry, plannedMw: 10);

        await portal.MinistryMember.PostJsonAsync($"/api/v1/deployments/{id}/hardware", new { skuId = portal.KoreanNpu, plannedUnits = 1000 })
            .ExpectAsync(HttpStatusCode.Created);

        var figures = (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}")).Figures;
        Assert.Equal((1000L, 256.0, 10.0, 1.0), (figures.PlannedAccelerators, figures.PeakBf16PflopsPlanned, figures.KwPerAccelerator!.Value, figures.DomesticShare!.Value));
    }

    [Fact]
    public async Task Domestic_means_the_vendor_is_from_the_deployments_country()
    {
        var american = await portal.AddDeploymentAsync("Abroad", "US", hardware: [(portal.AmericanGpu, 300, 0), (portal.KoreanNpu, 100, 0)]);

        var figures = (await portal.OtherMember.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{american}")).Figures;

        Assert.Equal(0.75, figures.DomesticShare!.Value, 6);
    }
}
