using Portal.Data.Skus;

namespace Portal.Api.Profiles;

/// <summary>How a SKU stands against a profile: every required test's latest verdict passed, some tested, or none tested.</summary>
public enum ProfileStanding
{
    Met,
    Partial,
    NotTested,
}

/// <summary>A test a profile requires (always a consortium-visible one).</summary>
public sealed record ProfileTestDto(Guid Id, string Name, string Op, string Dtype, string Language);

/// <summary>
/// A SKU's standing against one profile: how many of its required tests have a latest verdict, and how many passed.
/// <c>Offline</c>: at least one of those deciding verdicts came from an offline agent's signed bundle (as the matrix marks it).
/// </summary>
public sealed record SkuStandingDto(Guid SkuId, string SkuName, string VendorName, SkuLifecycle Lifecycle, int Required, int Tested, int Passed,
    ProfileStanding Standing, bool Offline = false);

/// <summary>
/// A requirement profile as it is exported (GET /api/v1/profiles/{slug}): its tests and every SKU with a result on one of
/// them, those that meet it first. <c>CanEdit</c> says whether the reader may change it (consortium admins).
/// </summary>
public sealed record ProfileDto(
    Guid Id,
    string Slug,
    string Name,
    string Description,
    IReadOnlyList<ProfileTestDto> Tests,
    IReadOnlyList<SkuStandingDto> Skus,
    DateTimeOffset UpdatedAt,
    uint Version,
    bool CanEdit)
{
    public int SkusMeeting => Skus.Count(s => s.Standing == ProfileStanding.Met);
}

/// <summary>The profiles (GET /api/v1/profiles), and whether the reader may create one.</summary>
public sealed record ProfileListDto(IReadOnlyList<ProfileDto> Profiles, bool CanCreate);

/// <summary>Create (no version) or update (the version read) a profile.</summary>
public sealed record ProfileInput(string? Slug, string? Name, string? Description, IReadOnlyList<Guid>? TestIds, uint? Version = null);

/// <summary>One SKU's badge for one profile, as the SKU page shows it; <c>Offline</c> as on <see cref="SkuStandingDto"/>.</summary>
public sealed record SkuProfileBadgeDto(Guid ProfileId, string Slug, string Name, int Required, int Tested, int Passed, ProfileStanding Standing,
    bool Offline = false);

/// <summary>
/// A draft profile derived from released SKUs: the consortium-visible tests that more than half of the released SKUs with
/// results pass (latest verdict), each with how many pass it. Nothing is saved until an admin saves it as a profile.
/// </summary>
public sealed record ProfileDraftDto(int SkusWithResults, IReadOnlyList<DraftTestDto> Tests);

public sealed record DraftTestDto(ProfileTestDto Test, int PassedBy);

/// <summary>
/// A deployment and the profile it names: how many of its planned accelerator units are of SKUs that meet it, per SKU.
/// <c>Profile</c> is null when it names none; <c>CanEdit</c> says whether the reader may change which.
/// </summary>
public sealed record DeploymentProfileDto(
    Guid DeploymentId,
    ProfileRefDto? Profile,
    int AcceleratorUnits,
    int MeetingUnits,
    IReadOnlyList<DeploymentSkuStandingDto> Skus,
    bool CanEdit);

public sealed record ProfileRefDto(Guid Id, string Slug, string Name);

public sealed record DeploymentSkuStandingDto(Guid SkuId, string SkuName, string VendorName, int PlannedUnits, int Required, int Tested, int Passed,
    ProfileStanding Standing, bool Offline = false);

/// <summary>Name the profile a deployment is held to by its slug, or none (null).</summary>
public sealed record DeploymentProfileInput(string? ProfileSlug);
