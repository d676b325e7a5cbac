using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 12: a deployment's figures are kept in deployment_figures by PostgreSQL, in the transaction of every write they
/// depend on (hardware lines, milestones, a SKU's category, bf16 figure or vendor, a vendor's country), concurrent
/// writers included; the list and the detail read them from there.
/// </summary>
public sealed class DeploymentFiguresTests(DeploymentFiguresTests.FiguresPortal portal) : IClassFixture<DeploymentFiguresTests.FiguresPortal>
{
    public sealed class FiguresPortal : PortalFactory
    {
        public Guid KoreanVendor { get; private set; }
        public Guid GermanVendor { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            KoreanVendor = await AddOrganizationAsync("Hanbit Silicon", OrganizationKind.ChipDesigner, "KR");
            GermanVendor = await AddOrganizationAsync("Rhein Compute", OrganizationKind.ChipDesigner, "DE");
            Client = CreateBootstrapClient();
        }
    }

    private Task<DeploymentDto> DetailAsync(Guid id) => portal.Client.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{id}");

    /// <summary>The figures as the list computed them per request before the table: straight from the lines and milestones.</summary>
    private Task<DeploymentFigures> RecomputedAsync(Guid id) => portal.WithDbAsync(async db =>
    {
        var country = await db.Deployments.Where(d => d.Id == id).Select(d => d.Country).SingleAsync();
        var lines = await db.HardwareLines.Where(l => l.DeploymentId == id && SkuCategories.Accelerators.Contains(l.Sku.Category))
            .Select(l => new { l.PlannedUnits, l.InstalledUnits, l.Sku.Bf16Tflops, l.Sku.Vendor.Country }).ToListAsync();
        var next = await db.Milestones.Where(m => m.DeploymentId == id && m.Status != MilestoneStatus.Done)
            .OrderBy(m => m.Date).ThenBy(m => m.Title).FirstOrDefaultAsync();
        return new DeploymentFigures
        {
            DeploymentId = id,
            PlannedAccelerators = lines.Sum(l => (long)l.PlannedUnits),
            InstalledAccelerators = lines.Sum(l => (long)l.InstalledUnits),
            PlannedTflops = lines.Sum(l => l.PlannedUnits * (l.Bf16Tflops ?? 0)),
            InstalledTflops = lines.Sum(l => l.InstalledUnits * (l.Bf16Tflops ?? 0)),
            UnitsWithoutBf16 = lines.Where(l => l.Bf16Tflops is null).Sum(l => (long)l.PlannedUnits),
            DomesticAccelerators = lines.Where(l => l.Country == country).Sum(l => (long)l.PlannedUnits),
            NextMilestoneId = next?.Id, NextMilestoneDate = next?.Date, NextMilestoneTitle = next?.Title, NextMilestoneStatus = next?.Status,
        };
    });

    private Task<DeploymentFigures> StoredAsync(Guid id) =>
        portal.WithDbAsync(db => db.DeploymentFigures.AsNoTracking().SingleAsync(f => f.DeploymentId == id));

    private async Task AssertConsistentAsync(Guid id) =>
        Assert.Equivalent(await RecomputedAsync(id), await StoredAsync(id), strict: true);

    private Task ExecuteAsync(string sql, params object[] values) => portal.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql, values));

    [Fact]
    public async Task Figures_follow_every_write_they_depend_on()
    {
        var gpu = await portal.AddSkuAsync(portal.KoreanVendor, "Figures GPU", configure: s => s.Bf16Tflops = 500);
        var npu = await portal.AddSkuAsync(portal.GermanVendor, "Figures NPU", SkuCategory.Npu);
        var id = await portal.AddDeploymentAsync("Figures campus", "KR", hardware: [(gpu, 100, 40)],
            milestones: [(new DateOnly(2031, 1, 1), "Power on", MilestoneStatus.Planned)]);
        await AssertConsistentAsync(id);
        var figures = (await DetailAsync(id)).Figures;
        Assert.Equal((100, 40, 50.0, 20.0, 1.0), (figures.PlannedAccelerators, figures.InstalledAccelerators, figures.PeakBf16PflopsPlanned,
            figures.PeakBf16PflopsInstalled, figures.DomesticShare));
        Assert.Equal("Power on", figures.NextMilestone?.Title);

        // A line added, changed, a milestone done and an earlier one added.
        await ExecuteAsync("INSERT INTO hardware_lines (id, deployment_id, sku_id, planned_units, installed_units) VALUES ({0}, {1}, {2}, 300, 0)",
            Guid.CreateVersion7(), id, npu);
        await AssertConsistentAsync(id);
        await ExecuteAsync("UPDATE hardware_lines SET installed_units = 100 WHERE deployment_id = {0} AND sku_id = {1}", id, gpu);
        await ExecuteAsync("UPDATE milestones SET status = 'done' WHERE deployment_id = {0}", id);
        Assert.Null((await StoredAsync(id)).NextMilestoneId);
        await ExecuteAsync("INSERT INTO milestones (id, deployment_id, date, title, status) VALUES ({0}, {1}, {2}, 'Ground broken', 'slipped')",
            Guid.CreateVersion7(), id, new DateOnly(2030, 6, 1));
        await AssertConsistentAsync(id);
        figures = (await DetailAsync(id)).Figures;
        Assert.Equal((400, 100, 300, 0.25), (figures.PlannedAccelerators, figures.InstalledAccelerators, figures.UnitsWithoutBf16, figures.DomesticShare));
        Assert.Equal("Ground broken", figures.NextMilestone?.Title);

        // The SKUs and vendors behind the lines: a bf16 figure published, a category changed, a vendor moved, a deployment moved.
        await ExecuteAsync("UPDATE hardware_skus SET bf16tflops = 1000 WHERE id = {0}", npu);
        await AssertConsistentAsync(id);
        Assert.Equal(0, (await StoredAsync(id)).UnitsWithoutBf16);
        await ExecuteAsync("UPDATE hardware_skus SET category = 'memory' WHERE id = {0}", gpu);
        await AssertConsistentAsync(id);
        Assert.Equal(300, (await StoredAsync(id)).PlannedAccelerators);
        await ExecuteAsync("UPDATE organizations SET country = 'KR' WHERE id = {0}", portal.GermanVendor);
        await AssertConsistentAsync(id);
        Assert.Equal(300, (await StoredAsync(id)).DomesticAccelerators);
        await ExecuteAsync("UPDATE sovereign_deployments SET country = 'JP' WHERE id = {0}", id);
        await AssertConsistentAsync(id);
        Assert.Equal(0, (await StoredAsync(id)).DomesticAccelerators);

        // Lines and milestones removed; then the deployment, whose figures go with it.
        await ExecuteAsync("DELETE FROM hardware_lines WHERE deployment_id = {0}", id);
        await ExecuteAsync("DELETE FROM milestones WHERE deployment_id = {0}", id);
        await AssertConsistentAsync(id);
        Assert.Equal(0, (await StoredAsync(id)).PlannedAccelerators);
        await ExecuteAsync("DELETE FROM sovereign_deployments WHERE id = {0}", id);
        Assert.False(await portal.WithDbAsync(db => db.DeploymentFigures.AnyAsync(f => f.DeploymentId == id)));
        await ExecuteAsync("UPDATE organizations SET country = 'DE' WHERE id = {0}", portal.GermanVendor);
    }

    [Fact]
    public async Task Figures_written_through_the_api_are_those_the_list_shows()
    {
        var gpu = await portal.AddSkuAsync(portal.KoreanVendor, "Api GPU", configure: s => s.Bf16Tflops = 1000);
        var id = await portal.AddDeploymentAsync("Api campus", "KR");
        var line = await portal.Client.PostJsonAsync($"/api/v1/deployments/{id}/hardware", new { skuId = gpu, plannedUnits = 64, installedUnits = 8 })
            .ExpectAsync<HardwareLineDto>(System.Net.HttpStatusCode.Created);
        await portal.Client.PostJsonAsync($"/api/v1/deployments/{id}/milestones", new { date = "2032-03-01", title = "Racks in", status = "planned" })
            .ExpectAsync(System.Net.HttpStatusCode.Created);

        var listed = (await portal.Client.GetJsonAsync<PagedList<DeploymentListItem>>("/api/v1/deployments?q=Api campus")).Items.Single();
        Assert.Equal((64, 8, 64.0), (listed.Figures.PlannedAccelerators, listed.Figures.InstalledAccelerators, listed.Figures.PeakBf16PflopsPlanned));
        Assert.Equal("Racks in", listed.Figures.NextMilestone?.Title);

        await portal.Client.DeleteAsync($"/api/v1/deployments/{id}/hardware/{line.Id}").ExpectAsync(System.Net.HttpStatusCode.NoContent);
        Assert.Equal(0, (await DetailAsync(id)).Figures.PlannedAccelerators);
        await AssertConsistentAsync(id);
    }

    [Theory]
    [InlineData("hardware")]
    [InlineData("milestone")]
    public async Task Two_transactions_writing_one_deployment_at_once_are_both_counted(string secondWrite)
    {
        var first = await portal.AddSkuAsync(portal.KoreanVendor, "Race GPU " + secondWrite, configure: s => s.Bf16Tflops = 100);
        var second = await portal.AddSkuAsync(portal.GermanVendor, "Race NPU " + secondWrite, SkuCategory.Npu, configure: s => s.Bf16Tflops = 10);
        var id = await portal.AddDeploymentAsync("Race campus " + secondWrite, "KR");

        await using var one = new NpgsqlConnection(portal.Database.ConnectionString);
        await using var two = new NpgsqlConnection(portal.Database.ConnectionString);
        await one.OpenAsync();
        await two.OpenAsync();
        await using var oneTx = await one.BeginTransactionAsync();
        await using var twoTx = await two.BeginTransactionAsync();
        await InsertLineAsync(one, id, first, 8);

        // The second writer's trigger waits for the first writer's lock on the figures row ...
        var twoPid = two.ProcessID;
        var writing = secondWrite == "hardware"
            ? InsertLineAsync(two, id, second, 16)
            : Sql(two, "INSERT INTO milestones (id, deployment_id, date, title, status) VALUES ($1, $2, $3, 'Race', 'planned')",
                Guid.CreateVersion7(), id, new DateOnly(2033, 1, 1));
        await using (var probe = new NpgsqlConnection(portal.Database.ConnectionString))
        {
            await probe.OpenAsync();
            await using var waiting = new NpgsqlCommand("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", probe)
            {
                Parameters = { new() { Value = twoPid } },
            };
            // Polled, each probe a round trip, for up to 30 s.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await waiting.ExecuteScalarAsync() is not true)
                Assert.True(DateTime.UtcNow < deadline, "the second writer never waited for the first one's lock");
        }
        await oneTx.CommitAsync();
        await writing;
        await twoTx.CommitAsync();

        // ... and then counts the first writer's committed line as well as its own.
        await AssertConsistentAsync(id);
        var stored = await StoredAsync(id);
        Assert.Equal(secondWrite == "hardware" ? 24 : 8, stored.PlannedAccelerators);
        Assert.Equal(secondWrite == "hardware" ? null : "Race", stored.NextMilestoneTitle);
    }

    private static Task InsertLineAsync(NpgsqlConnection connection, Guid deployment, Guid sku, int units) =>
        Sql(connection, "INSERT INTO hardware_lines (id, deployment_id, sku_id, planned_units, installed_units) VALUES ($1, $2, $3, $4, 0)",
            Guid.CreateVersion7(), deployment, sku, units);

    private static async Task Sql(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync();
    }
}
