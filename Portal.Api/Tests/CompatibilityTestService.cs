using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Publishing;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Kernels.Results;

namespace Portal.Api.Tests;

/// <summary>Reads, writes and rules for compatibility tests and suites, shared by the API and the Blazor pages.</summary>
public sealed class CompatibilityTestService(PortalDbContext db, ListTotals totals, SubmissionLimiter limiter, Ops.SavedOpService ops)
{
    public async Task<Outcome<PagedList<TestListItem>>> ListAsync(Caller? caller, TestQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        var filtered = TestCatalogue.Filter(db.CompatibilityTests.AsNoTracking().VisibleTo(caller), query, errors);
        if (errors.Any || filtered is null)
            return errors.ToOutcome<PagedList<TestListItem>>();

        var total = await totals.CountAsync(db, filtered, query with { Page = null, PageSize = null }, caller, cancellationToken);
        var items = await TestCatalogue.Project(filtered.OrderBy(t => t.Name).ThenBy(t => t.Id).Skip((page - 1) * pageSize).Take(pageSize))
            .ToListAsync(cancellationToken);
        var results = await ResultsAsync(items.Select(i => i.Id).ToList(), cancellationToken);
        return new PagedList<TestListItem>([.. items.Select(i => i with { Results = results.GetValueOrDefault(i.Id, TestResults.None) })], total, page,
            pageSize);
    }

    /// <summary>The latest verdict of each test on each device it completed on (the tests are the caller's to see).</summary>
    private async Task<Dictionary<Guid, TestResults>> ResultsAsync(IReadOnlyList<Guid> testIds, CancellationToken cancellationToken)
    {
        var latest = await db.Jobs.AsNoTracking()
            .Where(j => testIds.Contains(j.TestId) && j.Status == JobStatus.Completed && j.DeviceId != null)
            .GroupBy(j => new { j.TestId, j.DeviceId })
            .Select(g => g.OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id)
                .Select(j => new { j.TestId, j.Verdict, j.FinishedAt })
                .First())
            .ToListAsync(cancellationToken);
        const string passed = KernelStatuses.PassedName;
        return latest.GroupBy(r => r.TestId)
            .ToDictionary(g => g.Key, g => new TestResults(g.Count(), g.Count(r => r.Verdict == passed), g.Max(r => r.FinishedAt)));
    }

    public async Task<Outcome<TestDto>> GetAsync(Caller? caller, Guid id, CancellationToken cancellationToken)
    {
        var row = await db.CompatibilityTests.AsNoTracking().VisibleTo(caller)
            .Where(t => t.Id == id)
            .Select(t => new
            {
                Item = new TestListItem(
                    t.Id, t.Name, t.Description, t.Visibility, t.Tags, t.Op, t.Language,
                    t.Organization == null ? null : new OrganizationRef(t.Organization.Id, t.Organization.Name, t.Organization.Country),
                    t.Suite == null ? null : new SuiteRef(t.Suite.Id, t.Suite.Slug, t.Suite.Name),
                    t.CreatedAt, t.UpdatedAt),
                t.OwnerUserId,
                t.Spec,
                t.Version,
                t.EmbargoUntil,
                OpVersion = t.OpVersion == null ? null : new Ops.SavedOpVersionRef(t.OpVersion.OpId, t.OpVersion.Op!.Name, t.OpVersion.Number, t.OpVersion.Id),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return NotFound(id);
        var i = row.Item;
        return new TestDto(i.Id, i.Name, i.Description, i.Visibility, i.Tags, i.Op, i.Language, i.Organization, row.OwnerUserId, i.Suite,
            row.Spec, i.CreatedAt, i.UpdatedAt, row.Version, row.OpVersion, row.EmbargoUntil);
    }

    /// <summary>Every suite, with how many of its tests the caller can see.</summary>
    public async Task<IReadOnlyList<SuiteDto>> SuitesAsync(Caller? caller, CancellationToken cancellationToken)
    {
        var visible = db.CompatibilityTests.VisibleTo(caller);
        return await db.TestSuites.AsNoTracking()
            .OrderByDescending(s => s.BuiltIn).ThenBy(s => s.Name)
            .Select(s => new SuiteDto(s.Id, s.Slug, s.Name, s.Description, s.BuiltIn, visible.Count(t => t.SuiteId == s.Id)))
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<TestDto>> CreateAsync(Caller caller, TestInput input, CancellationToken cancellationToken)
    {
        var (valid, errors) = TestValidator.Validate(input);
        var embargo = Embargo(valid, input, current: null, errors);
        var owner = await OwnerAsync(caller, input.OrganizationId, errors, cancellationToken);
        var opVersion = await ops.LinkAsync(caller, input.OpVersionId, valid?.Spec, errors, cancellationToken);
        if (valid is null || errors.Any)
            return errors.ToOutcome<TestDto>();
        if (limiter.Refuse<TestDto>(caller) is { } refused)
            return refused;

        var now = db.Now;
        var test = new CompatibilityTest
        {
            Name = valid.Name, Op = valid.Op, Language = valid.Language, Spec = valid.Spec,
            OrganizationId = owner, OwnerUserId = caller.UserId, CreatedAt = now, OpVersionId = opVersion,
        };
        Apply(test, valid, now);
        test.EmbargoUntil = embargo;
        db.CompatibilityTests.Add(test);
        return await SaveAsync(caller, test.Id, cancellationToken);
    }

    public async Task<Outcome<TestDto>> UpdateAsync(Caller caller, Guid id, TestInput input, CancellationToken cancellationToken)
    {
        var test = await db.CompatibilityTests.VisibleTo(caller).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (test is null)
            return NotFound(id);
        if (!TestAccess.CanEdit(caller, test.OrganizationId))
            return new Outcome<TestDto>.Forbidden(Localized<TestText>.Get("EditForbidden"));

        var (valid, errors) = TestValidator.Validate(input);
        var embargo = Embargo(valid, input, test.EmbargoUntil, errors);
        if (input.OrganizationId is { } organizationId && organizationId != test.OrganizationId)
            errors.Add("organizationId", Localized<TestText>.Get("OrganizationFixed"));
        if (input.Version is null)
            errors.Add("version", Localized<SharedText>.Get("VersionRequired"));
        var opVersion = await ops.LinkAsync(caller, input.OpVersionId, valid?.Spec, errors, cancellationToken);
        if (valid is null || errors.Any)
            return errors.ToOutcome<TestDto>();
        test.OpVersionId = opVersion;

        // Compare against the version the editor read, not the one just loaded.
        db.Entry(test).Property(t => t.Version).OriginalValue = input.Version!.Value;
        Apply(test, valid, db.Now);
        test.EmbargoUntil = embargo;
        return await SaveAsync(caller, id, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var test = await db.CompatibilityTests.VisibleTo(caller).Include(t => t.Suite).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (test is null)
            return new Outcome<bool>.NotFound(Localized<TestText>.Format("NotFound", id));
        var builtIn = test.OrganizationId is null || test.Suite is { BuiltIn: true };
        if (!TestAccess.CanDelete(caller, test.OrganizationId, test.OwnerUserId, builtIn))
            return new Outcome<bool>.Forbidden(Localized<TestText>.Get(builtIn ? "DeleteBuiltInForbidden" : "DeleteForbidden"));
        // Its runs and jobs go with it (foreign keys cascade): results without their test would name nothing.
        db.CompatibilityTests.Remove(test);
        return await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Saved
            ? true
            : new Outcome<bool>.Conflict(Localized<TestText>.Get("Conflict"));
    }

    /// <summary>
    /// The organisation that will own a new test: the one named (the caller's own, or any for a consortium admin),
    /// else the caller's only membership.
    /// </summary>
    private async Task<Guid?> OwnerAsync(Caller caller, Guid? requested, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (requested is { } id)
        {
            if (caller.IsMemberOf(id))
                return id;
            if (!caller.IsConsortiumAdmin)
                errors.Add("organizationId", Localized<TestText>.Get("OrganizationNotMember"));
            else if (!await db.Organizations.AnyAsync(o => o.Id == id, cancellationToken))
                errors.Add("organizationId", Localized<TestText>.Format("OrganizationUnknown", id));
            else
                return id;
            return null;
        }
        if (caller.Roles.Count == 1)
            return caller.Roles.Keys.Single();
        errors.Add("organizationId", Localized<TestText>.Get(
            caller.Roles.Count > 1 || caller.IsConsortiumAdmin ? "OrganizationRequired" : "OrganizationNone"));
        return null;
    }

    /// <summary>The embargo date the input asks for, checked against the visibility it asks for (an invalid one is not judged).</summary>
    private DateTimeOffset? Embargo(TestValidator.Valid? valid, TestInput input, DateTimeOffset? current, ValidationErrors errors) =>
        PublicationRule.ReadTestEmbargo(valid is null || valid.Visibility == TestVisibility.Private, input.EmbargoUntil, current, db.Now, errors);

    private static void Apply(CompatibilityTest test, TestValidator.Valid valid, DateTimeOffset now)
    {
        test.Name = valid.Name;
        test.Description = valid.Description;
        test.Visibility = valid.Visibility;
        test.Op = valid.Op;
        test.Language = valid.Language;
        // Replace the list only when it differs, so that the audit log records real changes only; the spec's column compares
        // specs by their JSON, so an unchanged one is no change.
        if (!test.Tags.SequenceEqual(valid.Tags))
            test.Tags = valid.Tags;
        test.Spec = valid.Spec;
        test.UpdatedAt = now;
    }

    private async Task<Outcome<TestDto>> SaveAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Saved => await GetAsync(caller, id, cancellationToken),
            _ => new Outcome<TestDto>.Conflict(Localized<TestText>.Get("Conflict")),
        };

    private static Outcome<TestDto>.NotFound NotFound(Guid id) => new(Localized<TestText>.Format("NotFound", id));
}
