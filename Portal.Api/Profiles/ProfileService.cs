using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Api.Matrix;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Profiles;
using Portal.Data.Skus;
using Portal.Kernels.Results;

namespace Portal.Api.Profiles;

/// <summary>
/// Requirement profiles: named sets of consortium-visible tests, and how SKUs and deployments stand against them from the
/// latest verdicts (<see cref="LatestVerdicts"/>, the matrix's meaning of "latest"). Consortium admins create, change and
/// delete profiles, and may ask for a draft derived from what most released SKUs already pass.
/// </summary>
/// <remarks>
/// Reads take a <see cref="Caller"/> or null (an anonymous reader): what they show is the same for everyone, as a profile
/// holds consortium-visible tests only; a test made private after it was added drops out of every profile's view and
/// standing, so its name never shows through one.
/// </remarks>
public sealed partial class ProfileService(PortalDbContext db, NpgsqlDataSource dataSource)
{
    public const int MaxTests = 500;

    /// <summary>GET /api/v1/profiles/proposal answers the draft: no profile may take the word as its slug.</summary>
    public const string ReservedSlug = "proposal";
    public const int SlugLength = 100;
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;

    /// <summary>SKUs that are on the market (generally available or end of life): the ones a draft profile is derived from.</summary>
    public static readonly SkuLifecycle[] Released = [SkuLifecycle.Ga, SkuLifecycle.Eol];

    private const string Passed = KernelStatuses.PassedName;

    public async Task<ProfileListDto> ListAsync(Caller? reader, CancellationToken cancellationToken)
    {
        var profiles = await ProfilesAsync(null, cancellationToken);
        var standings = await StandingsAsync(reader, profiles, cancellationToken);
        return new ProfileListDto([.. profiles.Select(p => ToDto(reader, p, standings))], CanManage(reader));
    }

    public async Task<Outcome<ProfileDto>> GetAsync(Caller? reader, string slug, CancellationToken cancellationToken)
    {
        var profiles = await ProfilesAsync(slug, cancellationToken);
        if (profiles.Count == 0)
            return NotFound<ProfileDto>(slug);
        return ToDto(reader, profiles[0], await StandingsAsync(reader, profiles, cancellationToken));
    }

    /// <summary>The SKU's badge for every profile: met, n of m passing, or not tested.</summary>
    public async Task<Outcome<IReadOnlyList<SkuProfileBadgeDto>>> SkuBadgesAsync(Caller? reader, Guid skuId, CancellationToken cancellationToken)
    {
        if (!await db.HardwareSkus.VisibleTo(reader).AnyAsync(s => s.Id == skuId, cancellationToken))
            return new Outcome<IReadOnlyList<SkuProfileBadgeDto>>.NotFound(Localized<ProfileText>.Format("SkuNotFound", skuId));
        var profiles = await ProfilesAsync(null, cancellationToken);
        var verdicts = await SkuVerdictsAsync([skuId], cancellationToken);
        return new Outcome<IReadOnlyList<SkuProfileBadgeDto>>.Success([.. profiles.Select(p =>
        {
            var (tested, passed, standing, offline) = Stand(p.Tests, verdicts.GetValueOrDefault(skuId));
            return new SkuProfileBadgeDto(p.Id, p.Slug, p.Name, p.Tests.Count, tested, passed, standing, offline);
        })]);
    }

    /// <summary>How many of the deployment's planned accelerator units are of SKUs that meet the profile it names.</summary>
    public async Task<Outcome<DeploymentProfileDto>> DeploymentAsync(Caller? reader, Guid deploymentId, CancellationToken cancellationToken)
    {
        var deployment = await db.Deployments.AsNoTracking().VisibleTo(reader).Where(d => d.Id == deploymentId)
            .Select(d => new
            {
                d.MinistryId,
                d.RequirementProfileId,
                Operators = d.Participants.Where(p => p.Role == Data.Deployments.ParticipantRole.Operator).Select(p => p.OrganizationId).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (deployment is null)
            return new Outcome<DeploymentProfileDto>.NotFound(Localized<ProfileText>.Format("DeploymentNotFound", deploymentId));
        var canEdit = reader is not null && DeploymentAccess.CanEdit(reader, deployment.MinistryId, deployment.Operators);
        var accelerators = SkuCategories.Accelerators.ToList();
        // A line of a SKU the reader may not see is left out, as on the deployment page.
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        var lines = (await db.HardwareLines.AsNoTracking()
                .Where(l => l.DeploymentId == deploymentId && accelerators.Contains(l.Sku.Category) && visibleSkus.Contains(l.SkuId))
                .Select(l => new { l.SkuId, l.Sku.Name, VendorName = l.Sku.Vendor.Name, l.PlannedUnits })
                .ToListAsync(cancellationToken))
            .GroupBy(l => (l.SkuId, l.Name, l.VendorName))
            .Select(g => (g.Key.SkuId, g.Key.Name, g.Key.VendorName, PlannedUnits: g.Sum(l => l.PlannedUnits)))
            .OrderByDescending(l => l.PlannedUnits).ThenBy(l => l.Name, StringComparer.Ordinal)
            .ToList();
        var total = lines.Sum(l => l.PlannedUnits);
        var profile = deployment.RequirementProfileId is { } profileId
            ? (await ProfilesAsync(null, cancellationToken, profileId)).FirstOrDefault()
            : null;
        if (profile is null)
            return new DeploymentProfileDto(deploymentId, null, total, 0, [], canEdit);

        var verdicts = await SkuVerdictsAsync([.. lines.Select(l => l.SkuId)], cancellationToken);
        var skus = lines.Select(l =>
        {
            var (tested, passed, standing, offline) = Stand(profile.Tests, verdicts.GetValueOrDefault(l.SkuId));
            return new DeploymentSkuStandingDto(l.SkuId, l.Name, l.VendorName, l.PlannedUnits, profile.Tests.Count, tested, passed, standing, offline);
        }).ToList();
        return new DeploymentProfileDto(deploymentId, new ProfileRefDto(profile.Id, profile.Slug, profile.Name), total,
            skus.Where(s => s.Standing == ProfileStanding.Met).Sum(s => s.PlannedUnits), skus, canEdit);
    }

    /// <summary>
    /// A draft profile: the consortium-visible tests passed (latest verdict) by more than half of the released SKUs that have
    /// results on such tests. Consortium admins only.
    /// </summary>
    public async Task<Outcome<ProfileDraftDto>> ProposeAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return Forbidden<ProfileDraftDto>();
        var released = await db.HardwareSkus.AsNoTracking().Where(s => Released.Contains(s.Lifecycle)).Select(s => s.Id).ToArrayAsync(cancellationToken);
        var verdicts = await SkuVerdictsAsync(released, cancellationToken);
        var withResults = verdicts.Count;
        var passedBy = verdicts.Values.SelectMany(v => v.Where(t => t.Value.Status == Passed).Select(t => t.Key))
            .GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        var chosen = passedBy.Where(p => p.Value * 2 > withResults).Select(p => p.Key).ToList();
        var tests = await TestsAsync(chosen, cancellationToken);
        return new ProfileDraftDto(withResults, [.. tests
            .Select(t => new DraftTestDto(t, passedBy[t.Id]))
            .OrderByDescending(t => t.PassedBy).ThenBy(t => t.Test.Name, StringComparer.Ordinal)]);
    }

    /// <summary>The tests a profile may hold (consortium-visible), for the editor.</summary>
    public async Task<IReadOnlyList<ProfileTestDto>> EligibleTestsAsync(CancellationToken cancellationToken) =>
        await db.CompatibilityTests.AsNoTracking().Where(t => t.Visibility == TestVisibility.Consortium)
            .OrderBy(t => t.Name)
            .Select(t => new ProfileTestDto(t.Id, t.Name, t.Op, t.Dtype, t.Language))
            .ToListAsync(cancellationToken);

    public async Task<Outcome<ProfileDto>> CreateAsync(Caller caller, ProfileInput input, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return Forbidden<ProfileDto>();
        var (errors, valid) = await CheckAsync(input, null, cancellationToken);
        if (errors.Any)
            return errors.ToOutcome<ProfileDto>();
        var now = db.Now;
        db.RequirementProfiles.Add(new RequirementProfile
        {
            Slug = valid.Slug,
            Name = valid.Name,
            Description = valid.Description,
            Tests = [.. valid.TestIds.Select(id => new RequirementProfileTest { TestId = id })],
            CreatedAt = now,
            UpdatedAt = now,
        });
        return await SavedAsync(caller, valid.Slug, cancellationToken);
    }

    public async Task<Outcome<ProfileDto>> UpdateAsync(Caller caller, string slug, ProfileInput input, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return Forbidden<ProfileDto>();
        var profile = IsSlug(slug) ? await db.RequirementProfiles.Include(p => p.Tests).FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken) : null;
        if (profile is null)
            return NotFound<ProfileDto>(slug);
        var (errors, valid) = await CheckAsync(input, profile.Id, cancellationToken);
        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToOutcome<ProfileDto>();
        }
        if (input.Version is { } version)
            db.Entry(profile).Property(p => p.Version).OriginalValue = version;
        (profile.Slug, profile.Name, profile.Description, profile.UpdatedAt) = (valid.Slug, valid.Name, valid.Description, db.Now);
        profile.Tests.RemoveAll(t => !valid.TestIds.Contains(t.TestId));
        foreach (var id in valid.TestIds.Where(id => profile.Tests.All(t => t.TestId != id)))
            profile.Tests.Add(new RequirementProfileTest { ProfileId = profile.Id, TestId = id });
        // The row is written even when only its tests changed, so that the version check (xmin) guards the test list too.
        db.Entry(profile).Property(p => p.UpdatedAt).IsModified = true;
        return await SavedAsync(caller, valid.Slug, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, string slug, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return Forbidden<bool>();
        var profile = IsSlug(slug) ? await db.RequirementProfiles.Include(p => p.Tests).FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken) : null;
        if (profile is null)
            return NotFound<bool>(slug);
        db.RequirementProfiles.Remove(profile);
        return await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Saved
            ? true
            : new Outcome<bool>.Conflict(Localized<ProfileText>.Get("Changed"));
    }

    /// <summary>Names the profile a deployment is held to (or none); whoever edits the deployment may.</summary>
    public async Task<Outcome<DeploymentProfileDto>> SetDeploymentProfileAsync(Caller caller, Guid deploymentId, DeploymentProfileInput input,
        CancellationToken cancellationToken)
    {
        if (await DeploymentAccess.LoadAsync(db, deploymentId, caller, cancellationToken) is not { } access)
            return new Outcome<DeploymentProfileDto>.NotFound(Localized<ProfileText>.Format("DeploymentNotFound", deploymentId));
        if (!DeploymentAccess.CanEdit(caller, access.MinistryId, access.Operators))
            return new Outcome<DeploymentProfileDto>.Forbidden(Localized<ProfileText>.Get("DeploymentForbidden"));
        Guid? profileId = null;
        if (!string.IsNullOrWhiteSpace(input.ProfileSlug))
        {
            var slug = input.ProfileSlug.Trim();
            profileId = IsSlug(slug)
                ? await db.RequirementProfiles.Where(p => p.Slug == slug).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken)
                : null;
            if (profileId is null)
                return new Outcome<DeploymentProfileDto>.Invalid(new Dictionary<string, string[]>
                {
                    ["profileSlug"] = [Localized<ProfileText>.Format("NotFound", slug)],
                });
        }
        var deployment = await db.Deployments.FirstAsync(d => d.Id == deploymentId, cancellationToken);
        if (deployment.RequirementProfileId != profileId)
        {
            deployment.RequirementProfileId = profileId;
            if (await db.SaveAsAsync(caller, cancellationToken) != SaveResult.Saved)
                return new Outcome<DeploymentProfileDto>.Conflict(Localized<ProfileText>.Get("Changed"));
        }
        db.ChangeTracker.Clear();
        return await DeploymentAsync(caller, deploymentId, cancellationToken);
    }

    private async Task<Outcome<ProfileDto>> SavedAsync(Caller caller, string slug, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Saved => await GetAsync(caller, slug, cancellationToken),
            SaveResult.Duplicate => new Outcome<ProfileDto>.Conflict(Localized<ProfileText>.Get("Duplicate")),
            _ => new Outcome<ProfileDto>.Conflict(Localized<ProfileText>.Get("Changed")),
        };

    private static bool CanManage(Caller? reader) => reader?.IsConsortiumAdmin == true;

    private static Outcome<T> Forbidden<T>() => new Outcome<T>.Forbidden(Localized<ProfileText>.Get("Forbidden"));

    private static Outcome<T> NotFound<T>(string slug) => new Outcome<T>.NotFound(Localized<ProfileText>.Format("NotFound", slug));

    private static ProfileDto ToDto(Caller? reader, ProfileRow profile, IReadOnlyDictionary<Guid, List<SkuStandingDto>> standings) =>
        new(profile.Id, profile.Slug, profile.Name, profile.Description, profile.Tests, standings.GetValueOrDefault(profile.Id) ?? [],
            profile.UpdatedAt, profile.Version, CanManage(reader));

    /// <summary>A SKU's latest verdict on one test, and whether it came from an offline agent's bundle.</summary>
    private readonly record struct Verdict(string Status, bool Offline)
    {
        public static Verdict Of(LatestVerdicts.Latest latest) => new(latest.Verdict, latest.Offline);
    }

    /// <summary>
    /// Tested, passed and the standing of one SKU against a profile's tests, from the SKU's latest verdict per test, and whether
    /// any of those deciding verdicts came from an offline bundle.
    /// </summary>
    private static (int Tested, int Passed, ProfileStanding Standing, bool Offline) Stand(IReadOnlyList<ProfileTestDto> tests,
        IReadOnlyDictionary<Guid, Verdict>? verdicts)
    {
        var tested = verdicts is null ? 0 : tests.Count(t => verdicts.ContainsKey(t.Id));
        var passed = verdicts is null ? 0 : tests.Count(t => verdicts.GetValueOrDefault(t.Id).Status == Passed);
        var offline = verdicts is not null && tests.Any(t => verdicts.TryGetValue(t.Id, out var v) && v.Offline);
        var standing = tests.Count > 0 && passed == tests.Count ? ProfileStanding.Met
            : tested == 0 ? ProfileStanding.NotTested
            : ProfileStanding.Partial;
        return (tested, passed, standing, offline);
    }

    /// <summary>Per profile, every SKU with a latest verdict on one of its tests: those that meet it first, then by passes and name.</summary>
    private async Task<IReadOnlyDictionary<Guid, List<SkuStandingDto>>> StandingsAsync(Caller? reader, List<ProfileRow> profiles, CancellationToken cancellationToken)
    {
        var testIds = profiles.SelectMany(p => p.Tests).Select(t => t.Id).Distinct().ToArray();
        var latest = await LatestVerdicts.ForTestsAsync(dataSource, testIds, cancellationToken);
        var verdicts = latest.GroupBy(r => r.SkuId).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, Verdict>)g.ToDictionary(r => r.TestId, Verdict.Of));
        var skuIds = verdicts.Keys.ToList();
        // Only SKUs the reader may see stand in a profile (a private or embargoed SKU's name and verdicts stay with its vendor).
        var skus = await db.HardwareSkus.AsNoTracking().VisibleTo(reader).Where(s => skuIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Name, VendorName = s.Vendor.Name, s.Lifecycle })
            .ToDictionaryAsync(s => s.Id, cancellationToken);
        return profiles.ToDictionary(p => p.Id, p => verdicts
            .Where(v => skus.ContainsKey(v.Key))
            .Select(v =>
            {
                var (tested, passed, standing, offline) = Stand(p.Tests, v.Value);
                var sku = skus[v.Key];
                return new SkuStandingDto(sku.Id, sku.Name, sku.VendorName, sku.Lifecycle, p.Tests.Count, tested, passed, standing, offline);
            })
            .Where(s => s.Tested > 0)
            .OrderBy(s => s.Standing).ThenByDescending(s => s.Passed).ThenBy(s => s.SkuName, StringComparer.Ordinal)
            .ToList());
    }

    /// <summary>
    /// The latest verdict per (SKU, consortium-visible test) of the given SKUs: the newer of the verified and the
    /// partner-reported one that <see cref="LatestVerdicts.ForSkusAsync"/> keeps apart, so it agrees with the matrix's cell.
    /// </summary>
    private async Task<Dictionary<Guid, IReadOnlyDictionary<Guid, Verdict>>> SkuVerdictsAsync(Guid[] skuIds, CancellationToken cancellationToken) =>
        (await LatestVerdicts.ForSkusAsync(dataSource, skuIds, cancellationToken))
            .GroupBy(r => r.SkuId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, Verdict>)g.GroupBy(r => r.TestId)
                .ToDictionary(t => t.Key, t => Verdict.Of(t.OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.JobId).First())));

    /// <summary>Whether text could be a slug at all: anything else names no profile and is never looked up.</summary>
    private static bool IsSlug(string? slug) => slug is { Length: > 0 and <= SlugLength } && SlugPattern().IsMatch(slug);

    private async Task<List<ProfileRow>> ProfilesAsync(string? slug, CancellationToken cancellationToken, Guid? id = null)
    {
        if (slug is not null && !IsSlug(slug))
            return [];
        var query = db.RequirementProfiles.AsNoTracking();
        if (slug is not null)
            query = query.Where(p => p.Slug == slug);
        if (id is not null)
            query = query.Where(p => p.Id == id);
        return await query.OrderBy(p => p.Name)
            .Select(p => new ProfileRow(p.Id, p.Slug, p.Name, p.Description, p.UpdatedAt, p.Version,
                p.Tests.Where(t => t.Test.Visibility == TestVisibility.Consortium)
                    .OrderBy(t => t.Test.Name)
                    .Select(t => new ProfileTestDto(t.Test.Id, t.Test.Name, t.Test.Op, t.Test.Dtype, t.Test.Language))
                    .ToList()))
            .ToListAsync(cancellationToken);
    }

    private async Task<List<ProfileTestDto>> TestsAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        await db.CompatibilityTests.AsNoTracking()
            .Where(t => ids.Contains(t.Id) && t.Visibility == TestVisibility.Consortium)
            .Select(t => new ProfileTestDto(t.Id, t.Name, t.Op, t.Dtype, t.Language))
            .ToListAsync(cancellationToken);

    private sealed record ProfileRow(Guid Id, string Slug, string Name, string Description, DateTimeOffset UpdatedAt, uint Version,
        List<ProfileTestDto> Tests);

    private sealed record ValidProfile(string Slug, string Name, string Description, List<Guid> TestIds);

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    /// <summary>Field-level problems of the input, and the input trimmed and checked (meaningful only without problems).</summary>
    private async Task<(ValidationErrors Errors, ValidProfile Valid)> CheckAsync(ProfileInput input, Guid? self, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var slug = errors.Text("slug", input.Slug, SlugLength, required: true, Localized<ProfileText>.Get("FieldSlug")) ?? "";
        if (slug.Length > 0 && !errors.Any && !SlugPattern().IsMatch(slug))
            errors.Add("slug", Localized<ProfileText>.Get("SlugPattern"));
        else if (slug == ReservedSlug)
            errors.Add("slug", Localized<ProfileText>.Format("SlugTaken", slug));
        var name = errors.Text("name", input.Name, NameLength, required: true, Localized<ProfileText>.Get("FieldName")) ?? "";
        var description = errors.Text("description", input.Description, DescriptionLength, required: false, Localized<ProfileText>.Get("FieldDescription")) ?? "";
        var testIds = (input.TestIds ?? []).Distinct().ToList();
        if (testIds.Count == 0)
            errors.Add("testIds", Localized<ProfileText>.Get("NoTests"));
        else if (testIds.Count > MaxTests)
            errors.Add("testIds", Localized<ProfileText>.Format("TooManyTests", MaxTests));
        else
        {
            // Only consortium-visible tests: a private test (or none with that id) is refused by id alone, the same words
            // either way, so that a profile tells nobody a private test exists.
            var eligible = (await db.CompatibilityTests.AsNoTracking()
                    .Where(t => testIds.Contains(t.Id) && t.Visibility == TestVisibility.Consortium)
                    .Select(t => t.Id).ToListAsync(cancellationToken))
                .ToHashSet();
            foreach (var id in testIds.Where(id => !eligible.Contains(id)))
                errors.Add("testIds", Localized<ProfileText>.Format("TestNotEligible", id));
        }
        if (IsSlug(slug) && await db.RequirementProfiles.AnyAsync(p => p.Slug == slug && p.Id != self, cancellationToken))
            errors.Add("slug", Localized<ProfileText>.Format("SlugTaken", slug));
        // Text that broke the input rule is not sent to the database (PostgreSQL refuses NUL in a parameter).
        if (name.Length is > 0 and <= NameLength && !ControlCharacters.InText(name) && await db.RequirementProfiles.AnyAsync(p => p.Name.ToLower() == name.ToLower() && p.Id != self, cancellationToken))
            errors.Add("name", Localized<ProfileText>.Format("NameTaken", name));
        return (errors, new ValidProfile(slug, name, description, testIds));
    }
}
