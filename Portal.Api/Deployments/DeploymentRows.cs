using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Deployments;

/// <summary>
/// A deployment with the sums its figures need, computed by PostgreSQL in the same query as the page
/// (and sortable there). A class with setters rather than a record: EF translates ordering on its members.
/// </summary>
internal sealed class DeploymentRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Country { get; init; } = "";
    public string? Region { get; init; }
    public string? Site { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public OrganizationRef? Ministry { get; init; }
    public DeploymentStatus Status { get; init; }
    public double? PlannedMw { get; init; }
    public double? InstalledMw { get; init; }
    public List<string> EnergySources { get; init; } = [];
    public decimal? BudgetAmount { get; init; }
    public string? BudgetCurrency { get; init; }
    public long PlannedAccelerators { get; init; }
    public long InstalledAccelerators { get; init; }
    public double PlannedTflops { get; init; }
    public double InstalledTflops { get; init; }
    public long UnitsWithoutBf16 { get; init; }
    public long DomesticAccelerators { get; init; }
    public Guid? NextMilestoneId { get; init; }
    public DateOnly? NextMilestoneDate { get; init; }
    public string? NextMilestoneTitle { get; init; }
    public MilestoneStatus? NextMilestoneStatus { get; init; }
    public DateOnly Today { get; init; }

    public NextMilestoneDto? NextMilestone => NextMilestoneId is { } id && NextMilestoneDate is { } date
        ? new NextMilestoneDto(id, date, NextMilestoneTitle ?? "", MilestoneSchedule.IsOverdue(NextMilestoneStatus ?? MilestoneStatus.Planned, date, Today))
        : null;
    public int SlippedMilestones { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public uint Version { get; init; }

    public DeploymentFiguresDto Figures => new(
        PlannedAccelerators,
        InstalledAccelerators,
        PlannedTflops / 1000,
        InstalledTflops / 1000,
        UnitsWithoutBf16,
        PlannedMw is { } mw && PlannedAccelerators > 0 ? mw * 1000 / PlannedAccelerators : null,
        PlannedAccelerators > 0 ? (double)DomesticAccelerators / PlannedAccelerators : null,
        NextMilestone,
        SlippedMilestones);

    public BudgetDto? Budget => BudgetAmount is { } amount && BudgetCurrency is { } currency ? new BudgetDto(amount, currency.Trim()) : null;

    public DeploymentListItem ToListItem() => new(
        Id, Name, Country, Region, Site, Latitude, Longitude, Ministry, Status, PlannedMw, InstalledMw, EnergySources, Budget, Figures, UpdatedAt);
}

internal static class DeploymentRows
{
    private static readonly SkuCategory[] Accelerators = [.. SkuCategories.Accelerators];

    /// <summary>Projects deployments with the sums behind their figures; <paramref name="today"/> picks the next milestone.</summary>
    public static IQueryable<DeploymentRow> Rows(this IQueryable<SovereignDeployment> deployments, DateOnly today)
    {
        var overdue = MilestoneSchedule.Overdue(today);
        return deployments.Select(d => new DeploymentRow
        {
            Id = d.Id,
            Name = d.Name,
            Country = d.Country,
            Region = d.Region,
            Site = d.Site,
            Latitude = d.Latitude,
            Longitude = d.Longitude,
            Ministry = d.Ministry == null ? null : new OrganizationRef(d.Ministry.Id, d.Ministry.Name, d.Ministry.Country),
            Status = d.Status,
            PlannedMw = d.PlannedMw,
            InstalledMw = d.InstalledMw,
            EnergySources = d.EnergySources,
            BudgetAmount = d.BudgetAmount,
            BudgetCurrency = d.BudgetCurrency,
            PlannedAccelerators = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category)).Sum(l => (long)l.PlannedUnits),
            InstalledAccelerators = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category)).Sum(l => (long)l.InstalledUnits),
            PlannedTflops = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category) && l.Sku.Bf16Tflops != null)
                .Sum(l => l.PlannedUnits * l.Sku.Bf16Tflops!.Value),
            InstalledTflops = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category) && l.Sku.Bf16Tflops != null)
                .Sum(l => l.InstalledUnits * l.Sku.Bf16Tflops!.Value),
            UnitsWithoutBf16 = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category) && l.Sku.Bf16Tflops == null)
                .Sum(l => (long)l.PlannedUnits),
            DomesticAccelerators = d.HardwareLines.Where(l => Accelerators.Contains(l.Sku.Category) && l.Sku.Vendor.Country == d.Country)
                .Sum(l => (long)l.PlannedUnits),
            // Scalar subqueries, each a short walk of the (deployment, date) index: projecting the row as one object
            // makes EF number every milestone in the table with a window function instead. The next milestone is the
            // earliest one not done, so an overdue one is never skipped.
            NextMilestoneId = d.Milestones
                .Where(m => m.Status != MilestoneStatus.Done)
                .OrderBy(m => m.Date).ThenBy(m => m.Title).Select(m => (Guid?)m.Id).FirstOrDefault(),
            NextMilestoneDate = d.Milestones
                .Where(m => m.Status != MilestoneStatus.Done)
                .OrderBy(m => m.Date).ThenBy(m => m.Title).Select(m => (DateOnly?)m.Date).FirstOrDefault(),
            NextMilestoneTitle = d.Milestones
                .Where(m => m.Status != MilestoneStatus.Done)
                .OrderBy(m => m.Date).ThenBy(m => m.Title).Select(m => m.Title).FirstOrDefault(),
            NextMilestoneStatus = d.Milestones
                .Where(m => m.Status != MilestoneStatus.Done)
                .OrderBy(m => m.Date).ThenBy(m => m.Title).Select(m => (MilestoneStatus?)m.Status).FirstOrDefault(),
            Today = today,
            SlippedMilestones = d.Milestones.AsQueryable().Count(overdue),
            CreatedAt = d.CreatedAt,
            UpdatedAt = d.UpdatedAt,
            Version = d.Version,
        });
    }
}
