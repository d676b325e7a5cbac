using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Publishing;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>Queries and rules for sovereign deployments, shared by the API and the Blazor pages.</summary>
public sealed class DeploymentService(PortalDbContext db, TimeProvider time, ListTotals totals)
{
    /// <summary>The map draws at most this many sites; beyond it the list's filters narrow them down.</summary>
    public const int MaxSites = 5000;

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <param name="reader">Who reads (null: an anonymous reader): only the deployments <see cref="DeploymentAccess.VisibleTo"/> them.</param>
    public async Task<Outcome<PagedList<DeploymentListItem>>> ListAsync(Caller? reader, DeploymentQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        var filtered = DeploymentFilters.Filter(db.Deployments.AsNoTracking().VisibleTo(reader), query, errors);
        var order = DeploymentFilters.ParseSort(query.Sort, errors);
        var cursor = string.IsNullOrWhiteSpace(query.Cursor) ? null : query.Cursor;
        if (cursor is not null && query.Page is not null)
            errors.Add("page", Localized<DeploymentText>.Get("CursorWithPage"));
        var from = filtered is null || order is null || cursor is null
            ? filtered
            : DeploymentKeyset.After(filtered, order.Value.Key, order.Value.Descending, cursor, errors);
        if (errors.Any || from is null || order is not var (key, descending))
            return errors.ToOutcome<PagedList<DeploymentListItem>>();

        var total = await totals.CountAsync(db, filtered!, query with { Page = null, PageSize = null, Sort = null, Cursor = null }, reader, cancellationToken);
        var sorted = DeploymentFilters.Sort(from.Rows(Today), key, descending);
        var paged = cursor is null ? sorted.Skip((page - 1) * pageSize) : sorted;
        var rows = await paged.Take(pageSize).ToListAsync(cancellationToken);
        return new PagedList<DeploymentListItem>(rows.Select(r => r.ToListItem()).ToList(), total, cursor is null ? page : 0, pageSize)
        {
            NextCursor = rows.Count == pageSize ? DeploymentKeyset.Next(key, descending, rows[^1]) : null,
        };
    }

    /// <summary>Every deployment matching the filter, in the requested order, for CSV export.</summary>
    public Outcome<IAsyncEnumerable<DeploymentListItem>> Export(Caller? reader, DeploymentQuery query)
    {
        var errors = new ValidationErrors();
        var filtered = DeploymentFilters.Filter(db.Deployments.AsNoTracking().VisibleTo(reader), query, errors);
        var sorted = filtered is null ? null : DeploymentFilters.Sort(filtered.Rows(Today), query.Sort, errors);
        if (errors.Any || sorted is null)
            return errors.ToOutcome<IAsyncEnumerable<DeploymentListItem>>();
        return new Outcome<IAsyncEnumerable<DeploymentListItem>>.Success(Rows(sorted));

        static async IAsyncEnumerable<DeploymentListItem> Rows(IQueryable<DeploymentRow> rows)
        {
            await foreach (var row in rows.AsAsyncEnumerable())
                yield return row.ToListItem();
        }
    }

    /// <summary>The sites of the deployments matching the filter that have coordinates, for the map.</summary>
    public async Task<Outcome<IReadOnlyList<DeploymentSite>>> SitesAsync(Caller? reader, DeploymentQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var filtered = DeploymentFilters.Filter(db.Deployments.AsNoTracking().VisibleTo(reader), query, errors);
        if (filtered is null)
            return errors.ToOutcome<IReadOnlyList<DeploymentSite>>();
        return await filtered
            .Where(d => d.Latitude != null && d.Longitude != null)
            .OrderBy(d => d.Name)
            .Take(MaxSites)
            .Select(d => new DeploymentSite(d.Id, d.Name, d.Country, d.Status, d.Latitude!.Value, d.Longitude!.Value, d.PlannedMw))
            .ToListAsync(cancellationToken);
    }

    public Task<Outcome<DeploymentDto>> GetAsync(Caller? reader, Guid id, CancellationToken cancellationToken) =>
        ReadAsync(reader, id, reader, cancellationToken);

    /// <summary>
    /// The deployment as an anonymous visitor will see it once it is public, for its owners' preview: the deployment itself
    /// (which <paramref name="owner"/> must be able to read), with everything around it read by the anonymous rule.
    /// </summary>
    public Task<Outcome<DeploymentDto>> PreviewPublicAsync(Caller? owner, Guid id, CancellationToken cancellationToken) =>
        ReadAsync(null, id, owner, cancellationToken);

    /// <param name="reader">Whose rule the parts (hardware lines) are read by.</param>
    /// <param name="subjectReader">Whose rule decides whether the deployment itself is found.</param>
    private async Task<Outcome<DeploymentDto>> ReadAsync(Caller? reader, Guid id, Caller? subjectReader, CancellationToken cancellationToken)
    {
        // The row and what only the detail shows, in one statement (a self-join on the key): a round trip less per page.
        var found = await (
                from shown in db.Deployments.AsNoTracking().VisibleTo(subjectReader).Where(d => d.Id == id).Rows(Today)
                join d in db.Deployments.AsNoTracking() on shown.Id equals d.Id
                select new
                {
                    Row = shown,
                    d.SourceUrls,
                    d.Notes,
                    d.Publication,
                    d.EmbargoUntil,
                    Participants = d.Participants
                        .OrderBy(p => p.Role).ThenBy(p => p.Organization.Name)
                        .Select(p => new ParticipantDto(p.OrganizationId, p.Organization.Name, p.Organization.Country, p.Role))
                        .ToList(),
                })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
            return NotFound(id);
        var row = found.Row;
        var hardware = await HardwareLineService.Lines(db, reader, id).ToListAsync(cancellationToken);
        var milestones = await MilestoneService.Milestones(db, Today, id).ToListAsync(cancellationToken);
        return new DeploymentDto(
            row.Id, row.Name, row.Country, row.Region, row.Site, row.Latitude, row.Longitude, row.Ministry, row.Status, row.PlannedMw,
            row.InstalledMw, row.EnergySources, row.Budget, found.Participants, found.SourceUrls, found.Notes, hardware, milestones,
            row.Figures, row.CreatedAt, row.UpdatedAt, row.Version)
        {
            Publication = new PublicationDto(found.Publication, found.EmbargoUntil),
        };
    }

    public async Task<Outcome<DeploymentDto>> CreateAsync(Caller caller, DeploymentInput input, CancellationToken cancellationToken)
    {
        var (valid, errors) = await DeploymentValidator.ValidateAsync(db, input, null, cancellationToken);
        var publication = PublicationRule.Read(input.Publication, input.EmbargoUntil, PublicationDto.Public, time.GetUtcNow(), errors);
        if (valid is null || errors.Any)
            return errors.ToOutcome<DeploymentDto>();
        if (!DeploymentAccess.CanCreate(caller, valid))
            return new Outcome<DeploymentDto>.Forbidden(Localized<DeploymentText>.Get("ForbiddenCreate"));
        if (await MinistryRefusedAsync(caller, null, valid.MinistryId, cancellationToken) is { } refused)
            return refused;

        var now = db.Now;
        var deployment = new SovereignDeployment { Name = valid.Name, Country = valid.Country, CreatedAt = now };
        Apply(deployment, valid, now);
        PublicationRule.Apply(deployment, publication);
        db.Deployments.Add(deployment);
        return await SaveAsync(caller, deployment.Id, cancellationToken);
    }

    public async Task<Outcome<DeploymentDto>> UpdateAsync(Caller caller, Guid id, DeploymentInput input, CancellationToken cancellationToken)
    {
        var deployment = await db.Deployments.Include(d => d.Participants).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        // A deployment the caller may not read does not exist for them, even to be refused.
        if (deployment is null || !await db.Deployments.VisibleTo(caller).AnyAsync(d => d.Id == id, cancellationToken))
            return NotFound(id);
        var operators = deployment.Participants.Where(p => p.Role == ParticipantRole.Operator).Select(p => p.OrganizationId);
        if (!DeploymentAccess.CanEdit(caller, deployment.MinistryId, operators))
            return new Outcome<DeploymentDto>.Forbidden(Localized<DeploymentText>.Get("ForbiddenEdit"));

        var (valid, errors) = await DeploymentValidator.ValidateAsync(db, input, id, cancellationToken);
        var publication = PublicationRule.Read(input.Publication, input.EmbargoUntil,
            new PublicationDto(deployment.Publication, deployment.EmbargoUntil), time.GetUtcNow(), errors);
        if (input.Version is null)
            errors.Add("version", Localized<DeploymentText>.Get("VersionRequired"));
        if (valid is null || errors.Any)
            return errors.ToOutcome<DeploymentDto>();
        if (await MinistryRefusedAsync(caller, deployment.MinistryId, valid.MinistryId, cancellationToken) is { } refused)
            return refused;

        // Compare against the version the editor read, not the one just loaded.
        db.Entry(deployment).Property(d => d.Version).OriginalValue = input.Version!.Value;
        Apply(deployment, valid, db.Now);
        PublicationRule.Apply(deployment, publication);
        return await SaveAsync(caller, id, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var deployment = await db.Deployments
            .Include(d => d.Participants).Include(d => d.HardwareLines).Include(d => d.Milestones)
            .FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (deployment is null || !await db.Deployments.VisibleTo(caller).AnyAsync(d => d.Id == id, cancellationToken))
            return new Outcome<bool>.NotFound(Localized<DeploymentText>.Format("NotFound", id));
        if (!DeploymentAccess.CanDelete(caller, deployment.MinistryId))
            return new Outcome<bool>.Forbidden(Localized<DeploymentText>.Get("ForbiddenDelete"));
        db.Deployments.Remove(deployment);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    private static void Apply(SovereignDeployment deployment, DeploymentValidator.Valid valid, DateTimeOffset now)
    {
        deployment.Name = valid.Name;
        deployment.Country = valid.Country;
        deployment.Region = valid.Region;
        deployment.Site = valid.Site;
        deployment.Latitude = valid.Latitude;
        deployment.Longitude = valid.Longitude;
        deployment.MinistryId = valid.MinistryId;
        deployment.Status = valid.Status;
        deployment.PlannedMw = valid.PlannedMw;
        deployment.InstalledMw = valid.InstalledMw;
        deployment.EnergySources = valid.EnergySources;
        deployment.BudgetAmount = valid.BudgetAmount;
        deployment.BudgetCurrency = valid.BudgetCurrency;
        deployment.SourceUrls = valid.SourceUrls;
        deployment.Notes = valid.Notes;
        deployment.UpdatedAt = now;

        // Keep the rows that stay, so that the audit log shows only who joined and who left.
        deployment.Participants.RemoveAll(p => !valid.Participants.Contains((p.OrganizationId, p.Role)));
        foreach (var (organizationId, role) in valid.Participants)
        {
            if (!deployment.Participants.Any(p => p.OrganizationId == organizationId && p.Role == role))
                deployment.Participants.Add(new DeploymentParticipant { DeploymentId = deployment.Id, OrganizationId = organizationId, Role = role });
        }
    }

    /// <summary>A field problem on ministryId when the caller may not set, change or remove the sponsor (see <see cref="DeploymentAccess.MayChangeMinistry"/>).</summary>
    private async Task<Outcome<DeploymentDto>?> MinistryRefusedAsync(Caller caller, Guid? current, Guid? requested, CancellationToken cancellationToken)
    {
        if (DeploymentAccess.MayChangeMinistry(caller, current, requested))
            return null;
        var fromCurrent = current is { } from && !caller.IsMemberOf(from);
        var ministryId = fromCurrent ? current!.Value : requested!.Value;
        var name = await db.Organizations.AsNoTracking().Where(o => o.Id == ministryId).Select(o => o.Name).FirstAsync(cancellationToken);
        var message = fromCurrent
            ? Localized<DeploymentText>.Format("MinistryChangeNotMember", name)
            : Localized<DeploymentText>.Format("MinistryNotMember", name);
        return new Outcome<DeploymentDto>.Invalid(new Dictionary<string, string[]> { ["ministryId"] = [message] });
    }

    private async Task<Outcome<DeploymentDto>> SaveAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Conflict => new Outcome<DeploymentDto>.Conflict(Localized<DeploymentText>.Get("Conflict")),
            SaveResult.Duplicate => new Outcome<DeploymentDto>.Invalid(new Dictionary<string, string[]>
            {
                ["name"] = [Localized<DeploymentText>.Get("NameTakenNow")],
            }),
            _ => await GetAsync(caller, id, cancellationToken),
        };

    private static Outcome<DeploymentDto>.NotFound NotFound(Guid id) => new(Localized<DeploymentText>.Format("NotFound", id));
}
