using Portal.Api.Regressions;
using Portal.Api.Conformance;
using Portal.Api.Memberships;
using Portal.Api.Operations;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Home;

/// <summary>
/// What the signed-in person comes to the home page for, one section per role they hold (GET /api/v1/home); a section is
/// null when the person does not hold that role. Roles: <see cref="HomeRoles"/>.
/// </summary>
public sealed record HomeDto(
    DateOnly Today,
    MinistryHomeDto? Ministry,
    PartnerHomeDto? Partner,
    DeveloperHomeDto? Developer,
    AdminHomeDto? Admin);

public sealed record HomeOrganizationDto(Guid Id, string Name);

/// <summary>A ministry officer's projects (the deployments their ministries sponsor), the ones that need attention first.</summary>
public sealed record MinistryHomeDto(IReadOnlyList<HomeOrganizationDto> Ministries, int ProjectTotal, IReadOnlyList<ProjectCardDto> Projects);

/// <param name="Milestone">The milestone to look at: the earliest overdue one, else the next planned one; null when neither.</param>
/// <param name="OverdueMilestones">How many are overdue by <see cref="MilestoneSchedule"/>.</param>
public sealed record ProjectCardDto(
    Guid Id,
    string Name,
    string Country,
    DeploymentStatus Status,
    double? PlannedMw,
    double? InstalledMw,
    ProjectMilestoneDto? Milestone,
    int OverdueMilestones,
    ProjectCoverageDto Coverage,
    ProjectSignalDto Signal);

public sealed record ProjectMilestoneDto(DateOnly Date, string Title, MilestoneStatus Status, bool Overdue);

/// <summary>
/// The planned accelerator units of the project, and how many of them are of a SKU whose latest verdict is "passed" on
/// every conformance-suite test of at least one language (<see cref="ConformanceService.DeploymentCoverageAsync"/>).
/// </summary>
public sealed record ProjectCoverageDto(int AcceleratorUnits, int ProvenUnits, IReadOnlyList<LanguageCoverageDto> Languages)
{
    /// <summary>Proven ÷ planned (0–1); null when the hardware bill lists no accelerators.</summary>
    public double? Share => AcceleratorUnits == 0 ? null : (double)ProvenUnits / AcceleratorUnits;
}

/// <summary>A project's traffic light and every reason for it, the most serious first (rules: <see cref="ProjectSignal"/>).</summary>
public sealed record ProjectSignalDto(TrafficLight Light, IReadOnlyList<SignalReason> Reasons);

public enum TrafficLight
{
    Green,
    Amber,
    Red,

    /// <summary>A cancelled project: no signal.</summary>
    None,
}

public enum SignalReason
{
    MilestoneOverdue,
    CoverageLow,
    MilestoneSoon,
    CoverageIncomplete,
    NoAccelerators,
    Cancelled,
}

/// <summary>A partner's SKUs (of its non-ministry organisations) with measured pass rates, its regressions, and where the SKUs are deployed.</summary>
public sealed record PartnerHomeDto(
    IReadOnlyList<HomeOrganizationDto> Organizations,
    int SkuTotal,
    IReadOnlyList<PartnerSkuDto> Skus,
    IReadOnlyList<RegressionDto> Regressions);

public sealed record PartnerSkuDto(
    Guid Id,
    string Name,
    string VendorName,
    SkuCategory Category,
    SkuLifecycle Lifecycle,
    IReadOnlyList<SkuLanguageRateDto> Languages,
    IReadOnlyList<SkuDeploymentDto> Deployments)
{
    public long PlannedUnits => Deployments.Sum(d => (long)d.PlannedUnits);
    public long InstalledUnits => Deployments.Sum(d => (long)d.InstalledUnits);
}

/// <summary>
/// A SKU's conformance-suite pass rate in one language, from verified results (consortium agents) and from
/// partner-reported ones kept apart: each is the latest verdict per suite test among that kind of result. A side is null
/// when no result of its kind exists. Only languages with a result are listed.
/// </summary>
public sealed record SkuLanguageRateDto(string Language, int SuiteTests, LanguageRateDto? Verified, LanguageRateDto? PartnerReported);

/// <summary>Passed ÷ suite tests (an untested kernel is not proven), with how many were tested.</summary>
public sealed record LanguageRateDto(int Tested, int Passed, double PassRate);

/// <summary>A deployment whose hardware bill lists the SKU.</summary>
public sealed record SkuDeploymentDto(Guid DeploymentId, string DeploymentName, string Country, DeploymentStatus Status, int PlannedUnits, int InstalledUnits);

/// <summary>A developer's own tests and the runs they asked for, failures first.</summary>
public sealed record DeveloperHomeDto(int TestTotal, IReadOnlyList<DeveloperTestDto> Tests, IReadOnlyList<DeveloperRunDto> Runs);

/// <param name="LatestVerdict">The verdict of the test's latest completed job on any target; null before its first.</param>
/// <param name="Failing">The latest verdict is not "passed" (nor "unsupported": the target cannot run it, the test is not wrong).</param>
public sealed record DeveloperTestDto(
    Guid Id,
    string Name,
    string Op,
    string Language,
    TestVisibility Visibility,
    string? LatestVerdict,
    DateTimeOffset? LatestAt,
    Guid? LatestRunId,
    bool Failing);

/// <param name="Failing">Jobs completed with a failing verdict, or ended without one (failed, expired).</param>
/// <param name="Pending">Jobs not finished yet.</param>
public sealed record DeveloperRunDto(
    Guid Id,
    Guid? TestId,
    string Name,
    DateTimeOffset CreatedAt,
    int Jobs,
    int Passed,
    int Failing,
    int Pending);

/// <summary>What waits for a consortium admin's decision: join requests, device mappings set by hand, jobs that ended without a verdict.</summary>
public sealed record AdminHomeDto(
    IReadOnlyList<JoinRequestDto> JoinRequests,
    int MappingTotal,
    IReadOnlyList<PendingMappingDto> Mappings,
    int FailedJobTotal,
    IReadOnlyList<FailedJobDto> FailedJobs)
{
    public bool NothingWaits => JoinRequests.Count == 0 && MappingTotal == 0 && FailedJobTotal == 0;
}

/// <summary>A device mapped to a SKU by hand and not confirmed: its verdicts do not count toward the SKU until an admin confirms.</summary>
public sealed record PendingMappingDto(Guid AgentId, string AgentName, string OrganizationName, Guid DeviceId, string DeviceName, Guid SkuId,
    string SkuName, DateTimeOffset LastSeenAt);
