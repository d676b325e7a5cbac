using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Seed;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The SKUs and deployments of demo-seed.json, loaded into a fresh database per test.</summary>
public sealed class DemoRegistrySeedTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private async Task<DemoRegistryLoad?> LoadAsync(bool organizations = true)
    {
        await using var db = _database.CreateContext();
        if (organizations)
            await DemoData.LoadOrganizationsAsync(db, CancellationToken.None);
        return await DemoData.LoadRegistryAsync(db, CancellationToken.None);
    }

    private async Task<T> QueryAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var db = _database.CreateContext();
        return await query(db);
    }

    private Task<HardwareSku> SkuAsync(string vendor, string name) => QueryAsync(db => db.HardwareSkus.AsNoTracking()
        .Include(s => s.Vendor)
        .SingleAsync(s => s.Vendor.Name == vendor && s.Name == name));

    private Task<SovereignDeployment> DeploymentAsync(string name) => QueryAsync(db => db.Deployments.AsNoTracking()
        .Include(d => d.Ministry)
        .Include(d => d.Participants).ThenInclude(p => p.Organization)
        .Include(d => d.HardwareLines).ThenInclude(l => l.Sku)
        .Include(d => d.Milestones)
        .AsSplitQuery()
        .SingleAsync(d => d.Name == name));

    private Task<(int Skus, int Deployments, int Lines, int Milestones, int Participants, int Audit)> CountsAsync() =>
        QueryAsync(async db => (
            await db.HardwareSkus.CountAsync(),
            await db.Deployments.CountAsync(),
            await db.HardwareLines.CountAsync(),
            await db.Milestones.CountAsync(),
            await db.DeploymentParticipants.CountAsync(),
            await db.AuditEntries.CountAsync()));

    [Fact]
    public async Task The_14_skus_appear_with_their_vendor_and_figures_and_unknown_figures_stay_empty()
    {
        var loaded = await LoadAsync();

        Assert.NotNull(loaded);
        Assert.Equal((14, 5), (loaded.Skus, loaded.Deployments));
        Assert.Empty(loaded.Skipped);
        Assert.Equal(14, await QueryAsync(db => db.HardwareSkus.CountAsync()));

        var h200 = await SkuAsync("NVIDIA", "H200 SXM");
        Assert.Equal((SkuCategory.Gpu, 141d, "HBM3e", 4.8, 989d, 1979d, 1979d, 700d),
            (h200.Category, h200.MemoryGb, h200.MemoryType, h200.MemoryBandwidthTbs, h200.Bf16Tflops, h200.Fp8Tflops, h200.Int8Tops, h200.TdpW));
        Assert.Equal(("TSMC 4N", "SXM5", "CUDA", SkuLifecycle.Ga), (h200.Process, h200.FormFactor, h200.SoftwareStack, h200.Lifecycle));
        Assert.Equal(new DateOnly(2024, 3, 1), h200.ReleaseMonth);
        Assert.Equal(["cuda-c", "opencl-c", "triton"], h200.Languages);
        Assert.Equal(["NVIDIA H200"], h200.DeviceNamePatterns);

        var atom = await SkuAsync("Rebellions", "ATOM");
        Assert.Equal((SkuCategory.Npu, 16d, "GDDR6"), (atom.Category, atom.MemoryGb, atom.MemoryType));
        Assert.All(new[] { atom.MemoryBandwidthTbs, atom.Bf16Tflops, atom.Fp8Tflops, atom.Int8Tops, atom.TdpW }, Assert.Null);
        Assert.Null(atom.Process);
        Assert.Empty(atom.Languages);
        Assert.Empty(atom.DeviceNamePatterns);

        var quad = await SkuAsync("Rebellions", "REBEL-Quad");
        Assert.Equal((SkuLifecycle.Sampling, new DateOnly(2026, 2, 1), 1000d, (double?)null), (quad.Lifecycle, quad.ReleaseMonth, quad.Bf16Tflops, quad.MemoryBandwidthTbs));
        var hbm = await SkuAsync("SK hynix", "HBM3E 12-Hi");
        Assert.Equal((SkuCategory.Memory, 36d, 1.23), (hbm.Category, hbm.MemoryGb, hbm.MemoryBandwidthTbs));
        var mach1 = await SkuAsync("Samsung Electronics", "Mach-1");
        Assert.Equal((SkuLifecycle.Announced, (double?)null, (string?)null), (mach1.Lifecycle, mach1.MemoryGb, mach1.FormFactor));
    }

    [Fact]
    public async Task The_5_deployments_appear_with_their_ministry_participants_hardware_and_milestones()
    {
        await LoadAsync();

        Assert.Equal(5, await QueryAsync(db => db.Deployments.CountAsync()));
        var center = await DeploymentAsync("National AI Computing Center");
        Assert.Equal(("KR", "Jeollanam-do", "Solaseado, Haenam", 34.68, 126.47), (center.Country, center.Region, center.Site, center.Latitude, center.Longitude));
        Assert.Equal(("Ministry of Science and ICT", DeploymentStatus.UnderConstruction), (center.Ministry?.Name, center.Status));
        Assert.Null(center.PlannedMw);
        Assert.Equal((2_500_000_000_000m, "KRW"), (center.BudgetAmount, center.BudgetCurrency));
        Assert.Equal(["grid"], center.EnergySources);
        Assert.Equal(["https://en.sedaily.com"], center.SourceUrls);
        Assert.StartsWith("Includes an NPU zone", center.Notes);
        Assert.Equal(
            ["Naver Cloud operator", "Samsung SDS operator", "FuriosaAI supplier", "NVIDIA supplier", "Rebellions supplier"],
            center.Participants.OrderBy(p => p.Role).ThenBy(p => p.Organization.Name, StringComparer.Ordinal)
                .Select(p => $"{p.Organization.Name} {Naming.ToSnakeCase(p.Role)}"));
        Assert.Equal(
            ["B200 15000/0", "REBEL-Quad 1000/0", "RNGD 1000/0"],
            center.HardwareLines.Select(l => $"{l.Sku.Name} {l.PlannedUnits}/{l.InstalledUnits}").Order(StringComparer.Ordinal));
        Assert.Equal(
            [(new DateOnly(2026, 5, 11), MilestoneStatus.Done), (new DateOnly(2026, 9, 30), MilestoneStatus.Planned),
             (new DateOnly(2028, 12, 31), MilestoneStatus.Planned), (new DateOnly(2030, 12, 31), MilestoneStatus.Planned)],
            center.Milestones.OrderBy(m => m.Date).Select(m => (m.Date, m.Status)));
        Assert.Contains(center.Milestones, m => m.Title == "15,000 advanced AI chips");

        var uae = await DeploymentAsync("Stargate UAE");
        Assert.Null(uae.Ministry);
        Assert.Equal(("AE", 1000d, (double?)null), (uae.Country, uae.PlannedMw, uae.InstalledMw));
        Assert.Equal(["nuclear", "solar", "gas"], uae.EnergySources);
        Assert.Null(uae.BudgetAmount);
        Assert.Empty(uae.HardwareLines);

        var norway = await DeploymentAsync("Stargate Norway");
        var line = Assert.Single(norway.HardwareLines);
        Assert.Equal(((await SkuAsync("NVIDIA", "B200")).Id, 100_000, 0), (line.SkuId, line.PlannedUnits, line.InstalledUnits));
        Assert.Equal(["hydro"], norway.EnergySources);
        Assert.Equal(["Aker operator", "Nscale operator", "NVIDIA supplier"],
            norway.Participants.OrderBy(p => p.Role).ThenBy(p => p.Organization.Name, StringComparer.Ordinal)
                .Select(p => $"{p.Organization.Name} {Naming.ToSnakeCase(p.Role)}"));
    }

    [Fact]
    public async Task Its_rows_are_attributed_to_the_system_in_the_audit_log()
    {
        await LoadAsync();
        var h200 = await SkuAsync("NVIDIA", "H200 SXM");
        var norway = await DeploymentAsync("Stargate Norway");

        var entries = await QueryAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityId == h200.Id.ToString() || e.EntityId == norway.Id.ToString())
            .ToListAsync());

        Assert.Contains(entries, e => e.EntityType == nameof(HardwareSku) && e.Action == "created");
        Assert.Contains(entries, e => e.EntityType == nameof(SovereignDeployment) && e.Action == "created");
        Assert.All(entries, e => Assert.Equal((AuditActor.System.Name, (Guid?)null), (e.ActorName, e.ActorUserId)));
    }

    [Fact]
    public async Task A_database_seeded_with_organisations_before_gets_the_registry_once()
    {
        await SeedOrganizationsOnlyAsync();

        var first = await LoadAsync(organizations: false);
        var after = await CountsAsync();
        var second = await LoadAsync();

        Assert.Equal((14, 5), (first!.Skus, first.Deployments));
        Assert.Null(second);
        Assert.Equal(after, await CountsAsync());
        Assert.Equal((14, 5, 4, 12, 17), (after.Skus, after.Deployments, after.Lines, after.Milestones, after.Participants));
    }

    [Fact]
    public async Task Loading_again_without_the_marker_adds_nothing_already_there()
    {
        await LoadAsync();
        var before = await CountsAsync();
        await QueryAsync(db => db.AppliedSeeds.Where(s => s.Name == DemoData.RegistrySeed).ExecuteDeleteAsync());

        var again = await LoadAsync();

        Assert.NotNull(again);
        Assert.Equal((0, 0), (again.Skus, again.Deployments));
        Assert.Empty(again.Skipped);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Rows_naming_a_removed_organisation_are_skipped_and_reported()
    {
        await using (var db = _database.CreateContext())
        {
            await DemoData.LoadOrganizationsAsync(db, CancellationToken.None);
            await db.Organizations.Where(o => o.Name == "Rebellions").ExecuteDeleteAsync();
        }

        var loaded = await LoadAsync(organizations: false);

        Assert.Equal((12, 5), (loaded!.Skus, loaded.Deployments));
        Assert.Equal(
            ["Deployment 'National AI Computing Center': SKU 'Rebellions REBEL-Quad' is not in the catalogue",
             "Deployment 'National AI Computing Center': supplier 'Rebellions' is not an organisation",
             "SKU 'ATOM': vendor 'Rebellions' is not an organisation",
             "SKU 'REBEL-Quad': vendor 'Rebellions' is not an organisation"],
            loaded.Skipped.Order(StringComparer.Ordinal));
        var center = await DeploymentAsync("National AI Computing Center");
        Assert.Equal(2, center.HardwareLines.Count);
    }

    /// <summary>What the start-up of a portal that only knew the organisations seed left behind.</summary>
    private async Task SeedOrganizationsOnlyAsync()
    {
        await using var db = _database.CreateContext();
        Assert.True(await DemoData.LoadOrganizationsAsync(db, CancellationToken.None));
        Assert.Equal(0, await db.HardwareSkus.CountAsync());
    }
}
