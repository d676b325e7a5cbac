using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Ops;
using Portal.Contracts;

namespace Portal.Api.Ops;

/// <summary>Reads, writes and rules for saved op definitions, shared by the API and the Blazor pages.</summary>
public sealed class SavedOpService(PortalDbContext db)
{
    public async Task<Outcome<PagedList<SavedOpListItem>>> ListAsync(Caller caller, SavedOpQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        if (errors.Any)
            return errors.ToOutcome<PagedList<SavedOpListItem>>();
        var ops = db.SavedOps.AsNoTracking().VisibleTo(caller);
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + Like.Escape(query.Q.Trim()) + "%";
            ops = ops.Where(o => EF.Functions.ILike(o.Name, pattern, Like.EscapeCharacter) || EF.Functions.ILike(o.Description, pattern, Like.EscapeCharacter));
        }
        if (query.OrganizationId is { } organizationId)
            ops = ops.Where(o => o.OrganizationId == organizationId);
        var total = await ops.CountAsync(cancellationToken);
        var rows = await ops.OrderBy(o => o.Name).ThenBy(o => o.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new
            {
                o.Id, o.Name, o.Description, o.Visibility, o.OrganizationId,
                Organization = new OrganizationRef(o.Organization!.Id, o.Organization.Name, o.Organization.Country),
                o.LatestVersion, o.CreatedAt, o.UpdatedAt,
            })
            .ToListAsync(cancellationToken);
        return new PagedList<SavedOpListItem>(
            [.. rows.Select(r => new SavedOpListItem(r.Id, r.Name, r.Description, r.Visibility, r.Organization, r.LatestVersion, r.CreatedAt, r.UpdatedAt,
                SavedOpAccess.CanEdit(caller, r.OrganizationId)))],
            total, page, pageSize);
    }

    public async Task<Outcome<SavedOpDto>> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var row = await db.SavedOps.AsNoTracking().VisibleTo(caller).Where(o => o.Id == id)
            .Select(o => new
            {
                o.Id, o.Name, o.Description, o.Visibility, o.OrganizationId, o.OwnerUserId,
                Organization = new OrganizationRef(o.Organization!.Id, o.Organization.Name, o.Organization.Country),
                o.LatestVersion, o.CreatedAt, o.UpdatedAt,
                Versions = o.Versions.OrderByDescending(v => v.Number)
                    .Select(v => new { v.Id, v.Number, v.Definition, v.Hash, v.CreatedByUserId, v.CreatedAt }).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return NotFound(id);
        return new SavedOpDto(row.Id, row.Name, row.Description, row.Visibility, row.Organization, row.OwnerUserId, row.LatestVersion,
            [.. row.Versions.Select(v => new SavedOpVersionDto(v.Id, v.Number, Json(v.Definition), v.Hash, v.CreatedByUserId, v.CreatedAt))],
            row.CreatedAt, row.UpdatedAt, SavedOpAccess.CanEdit(caller, row.OrganizationId));
    }

    /// <summary>One version of an op the caller can see, with the op's name, for a test to be written against.</summary>
    public async Task<(SavedOpVersionRef Ref, SavedOpVersionDto Version)?> FindVersionAsync(Caller caller, Guid versionId, CancellationToken cancellationToken)
    {
        var row = await db.SavedOpVersions.AsNoTracking().VisibleTo(caller).Where(v => v.Id == versionId)
            .Select(v => new { v.Id, v.OpId, v.Op!.Name, v.Number, v.Definition, v.Hash, v.CreatedByUserId, v.CreatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : (new SavedOpVersionRef(row.OpId, row.Name, row.Number, row.Id),
                new SavedOpVersionDto(row.Id, row.Number, Json(row.Definition), row.Hash, row.CreatedByUserId, row.CreatedAt));
    }

    /// <summary>The latest version of every op the caller can see, for the test form's picker.</summary>
    public async Task<IReadOnlyList<SavedOpVersionRef>> PickableAsync(Caller caller, CancellationToken cancellationToken) =>
        await db.SavedOpVersions.AsNoTracking().VisibleTo(caller)
            .Where(v => v.Number == v.Op!.LatestVersion)
            .OrderBy(v => v.Op!.Name).ThenBy(v => v.OpId)
            .Select(v => new SavedOpVersionRef(v.OpId, v.Op!.Name, v.Number, v.Id))
            .ToListAsync(cancellationToken);

    public async Task<Outcome<SavedOpDto>> CreateAsync(Caller caller, SavedOpInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, SavedOpValidator.NameLength, required: true, SavedOpValidator.Label("Name"));
        var description = errors.Text("description", input.Description, SavedOpValidator.DescriptionLength, required: false, SavedOpValidator.Label("Description"));
        var visibility = SavedOpValidator.Visibility(errors, input.Visibility);
        var definition = SavedOpValidator.Definition(errors, input.Definition);
        var owner = await OwnerAsync(caller, input.OrganizationId, errors, cancellationToken);
        if (errors.Any || definition is null || owner is null)
            return errors.ToOutcome<SavedOpDto>();

        var now = db.Now;
        var op = new SavedOp
        {
            Name = name!, Description = description ?? "", Visibility = visibility, OrganizationId = owner.Value, OwnerUserId = caller.UserId,
            LatestVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        op.Versions.Add(NewVersion(caller, definition, 1, now));
        db.SavedOps.Add(op);
        return await SaveAsync(caller, op.Id, cancellationToken);
    }

    /// <summary>Adds a version; the ones before it stay as they are, with the tests written against them.</summary>
    public async Task<Outcome<SavedOpDto>> AddVersionAsync(Caller caller, Guid id, SavedOpVersionInput input, CancellationToken cancellationToken)
    {
        var (op, refused) = await EditableAsync(caller, id, cancellationToken);
        if (refused is not null)
            return refused;
        var errors = new ValidationErrors();
        var definition = SavedOpValidator.Definition(errors, input.Definition);
        if (definition is null)
            return errors.ToOutcome<SavedOpDto>();
        if (input.BaseVersion is { } read && read != op.LatestVersion)
            return Conflict();
        var latest = await db.SavedOpVersions.Where(v => v.OpId == id && v.Number == op.LatestVersion).Select(v => v.Hash).FirstAsync(cancellationToken);
        if (latest == definition.Hash)
        {
            errors.Add("definition", Localized<SavedOpText>.Format("DefinitionUnchanged", op.LatestVersion));
            return errors.ToOutcome<SavedOpDto>();
        }
        var now = db.Now;
        op.LatestVersion++;
        op.UpdatedAt = now;
        var version = NewVersion(caller, definition, op.LatestVersion, now);
        version.OpId = op.Id;
        db.SavedOpVersions.Add(version);
        return await SaveAsync(caller, id, cancellationToken);
    }

    /// <summary>The op, tracked for changes, when the caller may edit it; otherwise the 404 (cannot see it) or 403 (may only read it).</summary>
    private async Task<(SavedOp Op, Outcome<SavedOpDto>? Refused)> EditableAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var op = await db.SavedOps.VisibleTo(caller).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (op is null)
            return (null!, NotFound(id));
        return SavedOpAccess.CanEdit(caller, op.OrganizationId)
            ? (op, null)
            : (op, new Outcome<SavedOpDto>.Forbidden(Localized<SavedOpText>.Get("EditForbidden")));
    }

    public async Task<Outcome<SavedOpDto>> SetVisibilityAsync(Caller caller, Guid id, SavedOpVisibilityInput input, CancellationToken cancellationToken)
    {
        var (op, refused) = await EditableAsync(caller, id, cancellationToken);
        if (refused is not null)
            return refused;
        var errors = new ValidationErrors();
        var visibility = SavedOpValidator.Visibility(errors, input.Visibility);
        if (errors.Any)
            return errors.ToOutcome<SavedOpDto>();
        // Another organisation's test written against the op would then link to something its owners cannot see.
        if (visibility == TestVisibility.Private && op.Visibility != TestVisibility.Private
            && await db.CompatibilityTests.AnyAsync(t => t.OpVersion!.OpId == id && t.OrganizationId != op.OrganizationId, cancellationToken))
        {
            errors.Add("visibility", Localized<SavedOpText>.Get("UsedElsewhere"));
            return errors.ToOutcome<SavedOpDto>();
        }
        if (op.Visibility != visibility)
        {
            op.Visibility = visibility;
            op.UpdatedAt = db.Now;
        }
        return await SaveAsync(caller, id, cancellationToken);
    }

    /// <summary>The tests the caller can see that were written against any version of the op, with their latest verdicts.</summary>
    public async Task<Outcome<IReadOnlyList<SavedOpTestDto>>> TestsAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await db.SavedOps.VisibleTo(caller).AnyAsync(o => o.Id == id, cancellationToken))
            return new Outcome<IReadOnlyList<SavedOpTestDto>>.NotFound(Localized<SavedOpText>.Format("NotFound", id));
        var tests = await db.CompatibilityTests.AsNoTracking().VisibleTo(caller)
            .Where(t => t.OpVersion!.OpId == id)
            .OrderByDescending(t => t.OpVersion!.Number).ThenBy(t => t.Name).ThenBy(t => t.Id)
            .Select(t => new
            {
                t.Id, t.Name, t.Language, Number = t.OpVersion!.Number, t.Visibility,
                Organization = t.Organization == null ? null : new OrganizationRef(t.Organization.Id, t.Organization.Name, t.Organization.Country),
            })
            .ToListAsync(cancellationToken);
        var ids = tests.Select(t => t.Id).ToList();
        var latest = await db.Jobs.AsNoTracking()
            .Where(j => ids.Contains(j.TestId) && j.Status == JobStatus.Completed && j.DeviceId != null)
            .GroupBy(j => new { j.TestId, j.DeviceId })
            .Select(g => g.OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id)
                .Select(j => new { j.TestId, j.Verdict, j.FinishedAt })
                .First())
            .ToListAsync(cancellationToken);
        var byTest = latest.GroupBy(r => r.TestId).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.FinishedAt).ToList());
        return tests.Select(t =>
        {
            var runs = byTest.GetValueOrDefault(t.Id) ?? [];
            var results = runs.Count == 0
                ? TestResults.None
                : new TestResults(runs.Count, runs.Count(r => r.Verdict == KernelStatuses.PassedName), runs[0].FinishedAt);
            return new SavedOpTestDto(t.Id, t.Name, t.Language, t.Number, t.Visibility, t.Organization, results, runs.FirstOrDefault()?.Verdict);
        }).ToList();
    }

    /// <summary>
    /// The saved op version a test is written against (<paramref name="versionId"/>), checked against the test's spec: it
    /// must be one the caller can see, and the spec must be <c>"op": "custom"</c> with exactly that version's definition.
    /// Problems go to <paramref name="errors"/>; null when no version is named or it does not fit.
    /// </summary>
    public async Task<Guid?> LinkAsync(Caller caller, Guid? versionId, KernelSpec? spec, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (versionId is not { } id)
            return null;
        var version = await db.SavedOpVersions.AsNoTracking().VisibleTo(caller).Where(v => v.Id == id)
            .Select(v => new { v.Hash, v.Number, v.Op!.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            errors.Add("opVersionId", Localized<SavedOpText>.Format("VersionNotFound", id));
            return null;
        }
        if (spec is null)
            return null;
        if (spec.Op != "custom")
        {
            errors.Add("spec.op", Localized<SavedOpText>.Get("OpVersionNotCustom"));
            return null;
        }
        var given = spec.OpDefinition is { } definition
            ? SavedOpValidator.Definition(new ValidationErrors(), JsonSerializer.SerializeToElement(definition, SpecJson.Options))
            : null;
        if (given?.Hash != version.Hash)
        {
            errors.Add("spec.opDefinition", Localized<SavedOpText>.Format("OpVersionMismatch", version.Name, version.Number));
            return null;
        }
        return id;
    }

    private static SavedOpVersion NewVersion(Caller caller, SavedOpValidator.ValidDefinition definition, int number, DateTimeOffset now) =>
        new() { Number = number, Definition = definition.Json, Hash = definition.Hash, CreatedByUserId = caller.UserId, CreatedAt = now };

    /// <summary>The organisation that will own a new op: the one named (the caller's own, or any for a consortium admin), else the caller's only one.</summary>
    private async Task<Guid?> OwnerAsync(Caller caller, Guid? requested, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (requested is { } id)
        {
            if (caller.IsMemberOf(id) || (caller.IsConsortiumAdmin && await db.Organizations.AnyAsync(o => o.Id == id, cancellationToken)))
                return id;
            errors.Add("organizationId", caller.IsConsortiumAdmin
                ? Localized<SavedOpText>.Format("OrganizationUnknown", id)
                : Localized<SavedOpText>.Get("OrganizationNotMember"));
            return null;
        }
        if (caller.Roles.Count == 1)
            return caller.Roles.Keys.Single();
        errors.Add("organizationId", Localized<SavedOpText>.Get(caller.Roles.Count > 1 || caller.IsConsortiumAdmin ? "OrganizationRequired" : "OrganizationNone"));
        return null;
    }

    private async Task<Outcome<SavedOpDto>> SaveAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Saved => await GetAsync(caller, id, cancellationToken),
            _ => Conflict(),
        };

    private static Outcome<SavedOpDto>.Conflict Conflict() => new(Localized<SavedOpText>.Get("Conflict"));

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static Outcome<SavedOpDto>.NotFound NotFound(Guid id) => new(Localized<SavedOpText>.Format("NotFound", id));
}
