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
