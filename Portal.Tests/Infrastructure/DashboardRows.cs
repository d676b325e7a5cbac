using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Tests.Infrastructure;

/// <summary>Registry rows stored directly, as known data for the dashboard's tests.</summary>
public static class DashboardRows
{
    public static async Task<Guid> OrganizationAsync(PortalDbContext db, string name, OrganizationKind kind, string country)
    {
        var organization = new Organization { Name = name, Kind = kind, Country = country, CreatedAt = db.Now, UpdatedAt = db.Now };
        db.Organizations.Add(organization);
        await SaveAsync(db);
        return organization.Id;
    }

    public static async Task<Guid> SkuAsync(PortalDbContext db, Guid vendorId, string name, SkuCategory category)
    {
        var sku = new HardwareSku
        {
            VendorId = vendorId, Name = name, Category = category, Lifecycle = SkuLifecycle.Ga,
            CreatedAt = db.Now, UpdatedAt = db.Now,
        };
        db.HardwareSkus.Add(sku);
        await SaveAsync(db);
        return sku.Id;
    }

    /// <summary>A deployment with hardware lines (SKU, planned, installed) and milestones (date, title, status).</summary>
    public static async Task<Guid> DeploymentAsync(
        PortalDbContext db,
        string name,
        string country,
        DeploymentStatus status,
        double? plannedMw = null,
        double? installedMw = null,
        (Guid Sku, int Planned, int Installed)[]? hardware = null,
        (DateOnly Date, string Title, MilestoneStatus Status)[]? milestones = null)
    {
        var deployment = new SovereignDeployment
        {
            Name = name,
            Country = country,
            Status = status,
            PlannedMw = plannedMw,
            InstalledMw = installedMw,
            HardwareLines = [.. (hardware ?? []).Select(l => new HardwareLine { SkuId = l.Sku, PlannedUnits = l.Planned, InstalledUnits = l.Installed })],
            Milestones = [.. (milestones ?? []).Select(m => new Milestone { Date = m.Date, Title = m.Title, Status = m.Status })],
            CreatedAt = db.Now,
            UpdatedAt = db.Now,
        };
        db.Deployments.Add(deployment);
        await SaveAsync(db);
        return deployment.Id;
    }

    private static Task<int> SaveAsync(PortalDbContext db)
    {
        db.Actor = AuditActor.System;
        return db.SaveChangesAsync();
    }
}
