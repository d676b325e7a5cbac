using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Dashboard;

/// <summary>
/// The home page at a glance: the registry's deployments in aggregate, the milestones that need
/// attention, and, for a partner, where its own SKUs are deployed.
/// </summary>
public sealed record DashboardDto(
    DateOnly Today,
    int MilestoneWindowDays,
    IReadOnlyList<StatusCountDto> DeploymentsByStatus,
    IReadOnlyList<CountryPowerDto> PowerByCountry,
    IReadOnlyList<AcceleratorOriginDto> AcceleratorsByVendorCountry,
    MilestoneListDto MilestonesDue,
    MilestoneListDto MilestonesSlipped,
    PartnerDashboardDto? Partner)
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

/// <summary>The caller's partner organisations (not ministries) and the first of their SKUs by name.</summary>
public sealed record PartnerDashboardDto(
    IReadOnlyList<PartnerOrganizationDto> Organizations,
    int SkuTotal,
    IReadOnlyList<PartnerSkuDto> Skus);

public sealed record PartnerOrganizationDto(Guid Id, string Name);

public sealed record PartnerSkuDto(
    Guid Id,
    string Name,
    Guid VendorId,
    string VendorName,
    SkuCategory Category,
    SkuLifecycle Lifecycle,
    IReadOnlyList<SkuDeploymentDto> Deployments)
{
    public long PlannedUnits => Deployments.Sum(d => (long)d.PlannedUnits);
    public long InstalledUnits => Deployments.Sum(d => (long)d.InstalledUnits);
}

/// <summary>A deployment whose hardware bill lists the SKU.</summary>
public sealed record SkuDeploymentDto(
    Guid DeploymentId,
    string DeploymentName,
    string Country,
    DeploymentStatus Status,
    int PlannedUnits,
    int InstalledUnits);
