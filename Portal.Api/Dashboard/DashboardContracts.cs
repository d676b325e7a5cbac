using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Dashboard;

/// <summary>
/// The consortium at a glance: the registry's deployments in aggregate and the milestones that need
/// attention. What each role comes for (a partner's SKUs, a ministry's projects) is the home's (Portal.Api.Home).
/// </summary>
public sealed record DashboardDto(
    DateOnly Today,
    int MilestoneWindowDays,
    IReadOnlyList<StatusCountDto> DeploymentsByStatus,
    IReadOnlyList<CountryPowerDto> PowerByCountry,
    IReadOnlyList<AcceleratorOriginDto> AcceleratorsByVendorCountry,
    MilestoneListDto MilestonesDue,
    MilestoneListDto MilestonesSlipped)
{
    public int Deployments => DeploymentsByStatus.Sum(s => s.Count);
}

public sealed record StatusCountDto(DeploymentStatus Status, int Count);

/// <summary>
/// Planned and installed power of one country's deployments. Sums cover only the deployments that
/// state the figure (<see cref="PlannedKnown"/>, <see cref="InstalledKnown"/>): unknown is not zero.
/// </summary>
public sealed record CountryPowerDto(
    string Country,
    int Deployments,
    double PlannedMw,
    int PlannedKnown,
    double InstalledMw,
    int InstalledKnown);

/// <summary>
/// Accelerator units whose vendor is from <see cref="VendorCountry"/>; domestic where that is also the
/// country of the deployment they are in, foreign otherwise.
/// </summary>
public sealed record AcceleratorOriginDto(
    string VendorCountry,
    long DomesticPlanned,
    long ForeignPlanned,
    long DomesticInstalled,
    long ForeignInstalled)
{
    public long Planned => DomesticPlanned + ForeignPlanned;
}

/// <summary>The first <see cref="Items"/> of <see cref="Total"/> milestones, earliest first.</summary>
public sealed record MilestoneListDto(int Total, IReadOnlyList<DashboardMilestoneDto> Items);

public sealed record DashboardMilestoneDto(
    Guid Id,
    Guid DeploymentId,
    string DeploymentName,
    string Country,
    DateOnly Date,
    string Title,
    MilestoneStatus Status,
    string? Note);
