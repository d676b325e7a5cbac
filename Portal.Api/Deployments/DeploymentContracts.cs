using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Deployments;

public sealed record OrganizationRef(Guid Id, string Name, string Country);

public sealed record BudgetDto(decimal Amount, string Currency);

public sealed record ParticipantDto(Guid OrganizationId, string OrganizationName, string Country, ParticipantRole Role);

/// <param name="Overdue">Past its date and not done, or marked slipped (<see cref="Portal.Data.Deployments.MilestoneSchedule"/>).</param>
public sealed record NextMilestoneDto(Guid Id, DateOnly Date, string Title, bool Overdue);

/// <summary>
/// Figures derived from the hardware bill and the milestones. Accelerators are the units of lines whose
/// SKU is a GPU, NPU or ASIC and released (public): a line of an unreleased SKU counts from its release, so that no total
/// tells a reader an unreleased chip's figures. Unknown inputs leave a figure null rather than zero.
/// </summary>
/// <param name="UnitsWithoutBf16">Planned accelerator units left out of the peak figures: their SKU has no published BF16 figure.</param>
/// <param name="KwPerAccelerator">Planned power over planned accelerators; null without either.</param>
/// <param name="DomesticShare">0–1: planned accelerator units whose SKU's vendor is from the deployment's country.</param>
/// <param name="NextMilestone">The earliest milestone not done: an overdue one comes before any later one, never skipped.</param>
/// <param name="SlippedMilestones">Milestones overdue today (<see cref="Portal.Data.Deployments.MilestoneSchedule"/>), as the dashboard counts them.</param>
public sealed record DeploymentFiguresDto(
    long PlannedAccelerators,
    long InstalledAccelerators,
    double PeakBf16PflopsPlanned,
    double PeakBf16PflopsInstalled,
    long UnitsWithoutBf16,
    double? KwPerAccelerator,
    double? DomesticShare,
    NextMilestoneDto? NextMilestone,
    int SlippedMilestones);

public sealed record DeploymentListItem(
    Guid Id,
    string Name,
    string Country,
    string? Region,
    string? Site,
    double? Latitude,
    double? Longitude,
    OrganizationRef? Ministry,
    DeploymentStatus Status,
    double? PlannedMw,
    double? InstalledMw,
    IReadOnlyList<string> EnergySources,
    BudgetDto? Budget,
    DeploymentFiguresDto Figures,
    DateTimeOffset UpdatedAt);

public sealed record HardwareLineDto(
    Guid Id,
    Guid SkuId,
    string SkuName,
    SkuCategory Category,
    OrganizationRef Vendor,
    double? Bf16Tflops,
    int PlannedUnits,
    int InstalledUnits,
    uint Version);

/// <param name="Overdue">Past its date and not done, or marked slipped (<see cref="Portal.Data.Deployments.MilestoneSchedule"/>).</param>
public sealed record MilestoneDto(Guid Id, DateOnly Date, string Title, MilestoneStatus Status, string? Note, uint Version, bool Overdue);

public sealed record DeploymentDto(
    Guid Id,
    string Name,
    string Country,
    string? Region,
    string? Site,
    double? Latitude,
    double? Longitude,
    OrganizationRef? Ministry,
    DeploymentStatus Status,
    double? PlannedMw,
    double? InstalledMw,
    IReadOnlyList<string> EnergySources,
    BudgetDto? Budget,
    IReadOnlyList<ParticipantDto> Participants,
    IReadOnlyList<string> SourceUrls,
    string? Notes,
    IReadOnlyList<HardwareLineDto> Hardware,
    IReadOnlyList<MilestoneDto> Milestones,
    DeploymentFiguresDto Figures,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version)
{
    /// <summary>Who may read it besides its ministry, participants and consortium admins (DESIGN.md "Public by default").</summary>
    public Publishing.PublicationDto Publication { get; init; } = Publishing.PublicationDto.Public;
}

/// <summary>A site on the map: only deployments with coordinates.</summary>
public sealed record DeploymentSite(Guid Id, string Name, string Country, DeploymentStatus Status, double Latitude, double Longitude, double? PlannedMw);

/// <summary>A SKU offered by the hardware line editor's search.</summary>
public sealed record SkuChoice(Guid Id, string Name, string VendorName, SkuCategory Category, double? Bf16Tflops);

public sealed record BudgetInput
{
    public decimal? Amount { get; init; }
    public string? Currency { get; init; }
}

public sealed record ParticipantInput
{
    public Guid? OrganizationId { get; init; }

    /// <summary>operator, builder, supplier, energy or investor.</summary>
    public string? Role { get; init; }
}

/// <summary>
/// Create and update body. Enumerations are strings on purpose, so that a bad value comes back as a
/// field-level message rather than a JSON binding failure.
/// </summary>
public sealed record DeploymentInput
{
    public string? Name { get; init; }
    public string? Country { get; init; }
    public string? Region { get; init; }
    public string? Site { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public Guid? MinistryId { get; init; }
    public string? Status { get; init; }
    public double? PlannedMw { get; init; }
    public double? InstalledMw { get; init; }
    public IReadOnlyList<string>? EnergySources { get; init; }
    public BudgetInput? Budget { get; init; }
    public IReadOnlyList<ParticipantInput>? Participants { get; init; }
    public IReadOnlyList<string>? SourceUrls { get; init; }
    public string? Notes { get; init; }

    /// <summary>private, embargoed (with <see cref="EmbargoUntil"/>) or public; left out, it stays as it is (public when new).</summary>
    public string? Publication { get; init; }
    public DateTimeOffset? EmbargoUntil { get; init; }

    /// <summary>On update: the version that was read; a newer version in the database answers 409.</summary>
    public uint? Version { get; init; }
}

public sealed record HardwareLineInput
{
    public Guid? SkuId { get; init; }

    // long, so that an absurd count is a field message rather than a binding failure.
    public long? PlannedUnits { get; init; }
    public long? InstalledUnits { get; init; }

    /// <summary>On update: the version that was read.</summary>
    public uint? Version { get; init; }
}

public sealed record MilestoneInput
{
    public DateOnly? Date { get; init; }
    public string? Title { get; init; }

    /// <summary>planned (the default), done or slipped.</summary>
    public string? Status { get; init; }
    public string? Note { get; init; }

    /// <summary>On update: the version that was read.</summary>
    public uint? Version { get; init; }
}

/// <summary>List filters, shared by the list, the map, the CSV export and the UI.</summary>
public sealed record DeploymentQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    /// <summary>
    /// name, country, status, plannedMw, installedMw, plannedAccelerators, installedAccelerators, peakPflops,
    /// created or updated; prefix with '-' for descending.
    /// </summary>
    public string? Sort { get; init; }

    /// <summary>Searches name, site and region.</summary>
    public string? Q { get; init; }
    public string? Country { get; init; }
    public string? Status { get; init; }
    public Guid? Ministry { get; init; }

    /// <summary>An organisation taking part in any role.</summary>
    public Guid? Participant { get; init; }
    public string? EnergySource { get; init; }

    /// <summary>
    /// The previous page's nextCursor: the deployments after its last one, in the same order (keyset paging; page must be
    /// absent). Deep pages cost as little as the first. Offered when sorting by name, plannedMw or installedMw.
    /// </summary>
    public string? Cursor { get; init; }
}
