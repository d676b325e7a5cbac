using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Deployments;

/// <summary>
/// A deployment with the sums its figures need, read with the page from deployment_figures (kept by PostgreSQL, see
/// DeploymentFigures) and sortable there. A class with setters rather than a record: EF translates ordering on its members.
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
    /// <summary>Projects deployments with the sums behind their figures; <paramref name="today"/> decides which milestones are slipped.</summary>
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
            // Kept by PostgreSQL in the same transaction as the hardware lines and milestones (DeploymentFigures).
            PlannedAccelerators = d.Figures!.PlannedAccelerators,
            InstalledAccelerators = d.Figures.InstalledAccelerators,
            PlannedTflops = d.Figures.PlannedTflops,
            InstalledTflops = d.Figures.InstalledTflops,
            UnitsWithoutBf16 = d.Figures.UnitsWithoutBf16,
            DomesticAccelerators = d.Figures.DomesticAccelerators,
            NextMilestoneId = d.Figures.NextMilestoneId,
            NextMilestoneDate = d.Figures.NextMilestoneDate,
            NextMilestoneTitle = d.Figures.NextMilestoneTitle,
            NextMilestoneStatus = d.Figures.NextMilestoneStatus,
            Today = today,
            SlippedMilestones = d.Milestones.AsQueryable().Count(overdue),
            CreatedAt = d.CreatedAt,
            UpdatedAt = d.UpdatedAt,
            Version = d.Version,
        });
    }
}
