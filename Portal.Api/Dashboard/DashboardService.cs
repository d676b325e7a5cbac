using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Api.Dashboard;

/// <summary>
/// The aggregates of the home page, each one query that PostgreSQL answers with a GROUP BY or a
/// short page: nothing loads a deployment's graph. Each counts only what its reader may see (DeploymentAccess, SkuAccess),
/// so an anonymous visitor's figures hold public deployments and SKUs only.
/// </summary>
public sealed class DashboardService(PortalDbContext db, TimeProvider time)
{
    public const int MilestoneWindowDays = 90;
    public const int MilestoneLimit = 20;

    private static readonly SkuCategory[] AcceleratorCategories = [.. SkuCategories.Accelerators];

    /// <param name="reader">Null for an anonymous reader.</param>
    public async Task<DashboardDto> GetAsync(Caller? reader, CancellationToken cancellationToken)
    {
        var deployments = db.Deployments.VisibleTo(reader);
        var visible = deployments.Select(d => d.Id);
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        // Milestone dates have no time zone; the portal's day is the UTC one.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return new DashboardDto(
            today,
            MilestoneWindowDays,
            await DeploymentsByStatusAsync(deployments, cancellationToken),
            await PowerByCountryAsync(deployments, cancellationToken),
            await AcceleratorsByVendorCountryAsync(db.HardwareLines.Where(l => visible.Contains(l.DeploymentId) && visibleSkus.Contains(l.SkuId)), cancellationToken),
            await MilestonesAsync(DueWithin(today, today.AddDays(MilestoneWindowDays)).Where(m => visible.Contains(m.DeploymentId)), cancellationToken),
            await MilestonesAsync(SlippedBy(today).Where(m => visible.Contains(m.DeploymentId)), cancellationToken));
    }

    private static async Task<IReadOnlyList<StatusCountDto>> DeploymentsByStatusAsync(IQueryable<SovereignDeployment> deployments,
        CancellationToken cancellationToken)
    {
        var counts = await deployments
            .GroupBy(d => d.Status)
            .Select(g => new StatusCountDto(g.Key, g.Count()))
            .ToListAsync(cancellationToken);
        return [.. counts.OrderBy(c => c.Status)];
    }

    private static async Task<IReadOnlyList<CountryPowerDto>> PowerByCountryAsync(IQueryable<SovereignDeployment> deployments,
        CancellationToken cancellationToken)
    {
        var countries = await deployments
            .GroupBy(d => d.Country)
            .Select(g => new CountryPowerDto(
                g.Key,
                g.Count(),
                g.Sum(d => d.PlannedMw ?? 0),
                g.Count(d => d.PlannedMw != null),
                g.Sum(d => d.InstalledMw ?? 0),
                g.Count(d => d.InstalledMw != null)))
            .ToListAsync(cancellationToken);
        return [.. countries.OrderByDescending(c => c.PlannedMw).ThenByDescending(c => c.InstalledMw).ThenBy(c => c.Country, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<AcceleratorOriginDto>> AcceleratorsByVendorCountryAsync(IQueryable<HardwareLine> lines,
        CancellationToken cancellationToken)
    {
        var groups = await lines
            .Where(l => AcceleratorCategories.Contains(l.Sku.Category))
            .GroupBy(l => new { VendorCountry = l.Sku.Vendor.Country, Domestic = l.Sku.Vendor.Country == l.Deployment.Country })
            .Select(g => new
            {
                g.Key.VendorCountry,
                g.Key.Domestic,
                Planned = g.Sum(l => (long)l.PlannedUnits),
                Installed = g.Sum(l => (long)l.InstalledUnits),
            })
            .ToListAsync(cancellationToken);
        return [.. groups
            .GroupBy(g => g.VendorCountry)
            .Select(country => new AcceleratorOriginDto(
                country.Key,
                country.Where(g => g.Domestic).Sum(g => g.Planned),
                country.Where(g => !g.Domestic).Sum(g => g.Planned),
                country.Where(g => g.Domestic).Sum(g => g.Installed),
                country.Where(g => !g.Domestic).Sum(g => g.Installed)))
            .OrderByDescending(c => c.Planned)
            .ThenBy(c => c.VendorCountry, StringComparer.Ordinal)];
    }

    /// <summary>Still planned and dated from today to the end of the window, both days included.</summary>
    private IQueryable<Milestone> DueWithin(DateOnly today, DateOnly last) =>
        db.Milestones.Where(m => m.Status == MilestoneStatus.Planned && m.Date >= today && m.Date <= last);

    /// <summary>Overdue as <see cref="MilestoneSchedule"/> defines it, the same rule as the project page and the list.</summary>
    private IQueryable<Milestone> SlippedBy(DateOnly today) => db.Milestones.Where(MilestoneSchedule.Overdue(today));

    private static async Task<MilestoneListDto> MilestonesAsync(IQueryable<Milestone> milestones, CancellationToken cancellationToken)
    {
        var total = await milestones.CountAsync(cancellationToken);
        var items = await milestones
            .OrderBy(m => m.Date).ThenBy(m => m.Deployment.Name).ThenBy(m => m.Id)
            .Take(MilestoneLimit)
            .Select(m => new DashboardMilestoneDto(
                m.Id, m.DeploymentId, m.Deployment.Name, m.Deployment.Country, m.Date, m.Title, m.Status, m.Note))
            .ToListAsync(cancellationToken);
        return new MilestoneListDto(total, items);
    }
}
