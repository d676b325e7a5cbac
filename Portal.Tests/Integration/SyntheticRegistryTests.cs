using Microsoft.EntityFrameworkCore;
using Portal.Data.Deployments;
using Portal.Data.Seed;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The load-test registry: the promised sizes, rows that keep the model's rules, one load per database.</summary>
public sealed class SyntheticRegistryTests(SyntheticRegistryTests.LoadedOnce loaded) : IClassFixture<SyntheticRegistryTests.LoadedOnce>
{
    public sealed class LoadedOnce : IAsyncLifetime
    {
        public TestDatabase Database { get; } = new();
        public SyntheticRegistry.Counts Counts { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Database.InitializeAsync();
            Counts = await SyntheticRegistry.LoadAsync(Database.Name.ConnectionString, 40, seed: 7, Database.Time.GetUtcNow(), CancellationToken.None);
        }

        public Task DisposeAsync() => Database.DisposeAsync();
    }

    private readonly TestDatabase _database = loaded.Database;
    private readonly SyntheticRegistry.Counts _counts = loaded.Counts;

    [Fact]
    public async Task It_loads_n_organisations_ten_skus_each_and_n_deployments()
    {
        await using var db = _database.CreateContext();
        Assert.Equal(40, _counts.Organizations);
        Assert.Equal(400, await db.HardwareSkus.CountAsync());
        Assert.Equal(40, await db.Deployments.CountAsync());
        Assert.Equal(_counts.HardwareLines, await db.HardwareLines.CountAsync());
        Assert.Equal(_counts.Milestones, await db.Milestones.CountAsync());
        Assert.True(_counts.HardwareLines > 0 && _counts.Milestones >= 80 && _counts.Participants >= 40);
    }

    [Fact]
    public async Task Its_rows_keep_the_registry_rules()
    {
        await using var db = _database.CreateContext();
        Assert.False(await db.HardwareLines.AnyAsync(l => l.InstalledUnits > l.PlannedUnits || l.PlannedUnits <= 0));
        Assert.False(await db.HardwareLines.AnyAsync(l => !SkuCategories.Accelerators.Contains(l.Sku.Category)));
        Assert.False(await db.Deployments.AnyAsync(d => d.Ministry != null && d.Ministry.Kind != Data.Organizations.OrganizationKind.Ministry));
        Assert.False(await db.Deployments.AnyAsync(d => d.InstalledMw > d.PlannedMw));
        // Unknown figures stay empty rather than zero.
        Assert.True(await db.HardwareSkus.AnyAsync(s => s.Bf16Tflops == null));
        Assert.False(await db.HardwareSkus.AnyAsync(s => s.Bf16Tflops == 0 || s.TdpW == 0));
        Assert.False(await db.Milestones.AnyAsync(m => m.Status == MilestoneStatus.Planned && m.Date < DateOnly.FromDateTime(_database.Time.GetUtcNow().UtcDateTime)));
    }

    /// <summary>
    /// The load turns the figure triggers off and refreshes each deployment once at the end (row by row they made a 100,000-SKU
    /// load run past 30 minutes): the figures must still be the sums of the lines and milestones, and the triggers on again.
    /// </summary>
    [Fact]
    public async Task Its_deployment_figures_are_the_sums_of_their_lines_and_the_figure_triggers_are_on_again()
    {
        await using var db = _database.CreateContext();
        var wrong = await db.Database.SqlQueryRaw<int>("""
            SELECT count(*)::int AS "Value"
              FROM deployment_figures f
              CROSS JOIN LATERAL (
                SELECT coalesce(sum(l.planned_units), 0) AS planned, coalesce(sum(l.installed_units), 0) AS installed
                  FROM hardware_lines l JOIN hardware_skus k ON k.id = l.sku_id AND k.category IN ('gpu', 'npu', 'asic')
                 WHERE l.deployment_id = f.deployment_id) s
             WHERE f.planned_accelerators <> s.planned OR f.installed_accelerators <> s.installed
                OR f.next_milestone_id IS DISTINCT FROM (SELECT m.id FROM milestones m WHERE m.deployment_id = f.deployment_id AND m.status <> 'done'
                                                          ORDER BY m.date, m.title LIMIT 1)
            """).SingleAsync();
        Assert.Equal(0, wrong);
        // Not all zero: most deployments have accelerator lines and a milestone still ahead (25 of the 40 with seed 7).
        Assert.True(await db.Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM deployment_figures WHERE planned_accelerators > 0 AND next_milestone_id IS NOT NULL").SingleAsync() >= 20);
        var enabled = await db.Database.SqlQueryRaw<string>("""
            SELECT tgenabled::text AS "Value" FROM pg_trigger
             WHERE tgname IN ('hardware_lines_refresh_figures', 'milestones_refresh_figures')
            """).ToListAsync();
        Assert.Equal(["O", "O"], enabled);
    }

    [Fact]
    public async Task A_second_load_into_the_same_database_is_refused_and_adds_nothing()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SyntheticRegistry.LoadAsync(_database.Name.ConnectionString, 40, seed: 7, _database.Time.GetUtcNow(), CancellationToken.None));
        Assert.Contains("already loaded", error.Message);
        await using var db = _database.CreateContext();
        Assert.Equal(40, await db.Deployments.CountAsync());
    }
}
