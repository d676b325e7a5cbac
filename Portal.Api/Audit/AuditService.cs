using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Api.Audit;

/// <param name="Names">
/// The name of each record an id in <paramref name="Changes"/> points at (an organisation, a person, a SKU, a deployment, an
/// agent), so a person reads "Rebellions" rather than a GUID. An id whose record is gone keeps no name.
/// </param>
public sealed record AuditEntryDto(long Id, DateTimeOffset At, Guid? ActorUserId, string ActorName, string EntityType, string EntityId, string Action,
    IReadOnlyList<AuditChange> Changes, IReadOnlyDictionary<string, string>? Names = null);

public sealed record AuditQuery
{
    /// <summary>The audited type's name: Organization, CompatibilityTest, HardwareSku, SovereignDeployment, JoinRequest, ApiToken…</summary>
    public string? EntityType { get; init; }
    public string? EntityId { get; init; }
    public int? Page { get; init; }
    public int? PageSize { get; init; }
}

/// <summary>Reads the audit log, newest first: only entries of records the caller may open (<see cref="AuditVisibility"/>).</summary>
public sealed class AuditService(PortalDbContext db)
{
    public async Task<Outcome<PagedList<AuditEntryDto>>> ListAsync(Caller caller, AuditQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        if (errors.Any)
            return errors.ToOutcome<PagedList<AuditEntryDto>>();

        var entries = db.AuditEntries.AsNoTracking().VisibleTo(db, caller);
        if (!string.IsNullOrWhiteSpace(query.EntityType))
            entries = entries.Where(e => e.EntityType == query.EntityType);
        if (!string.IsNullOrWhiteSpace(query.EntityId))
            entries = entries.Where(e => e.EntityId == query.EntityId || e.EntityId.StartsWith(query.EntityId + "/"));

        var total = await entries.CountAsync(cancellationToken);
        var items = await entries
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditEntryDto(e.Id, e.At, e.ActorUserId, e.ActorName, e.EntityType, e.EntityId, e.Action, e.Changes, null))
            .ToListAsync(cancellationToken);
        var shown = items.Select(AuditVisibility.WithoutSecrets).ToList();
        var names = await NamesAsync(shown, cancellationToken);
        return new PagedList<AuditEntryDto>([.. shown.Select(e => e with { Names = NamesIn(e, names) })], total, page, pageSize);
    }

    /// <summary>What kind of record a field's id points at, by the field's name ("Hardware line: SkuId" reads as "SkuId").</summary>
    private enum Referent { None, Organization, User, Sku, Deployment, Agent }

    private static Referent ReferentOf(string field)
    {
        var name = field[(field.LastIndexOf(':') + 1)..].Trim();
        return name switch
        {
            "OrganizationId" or "MinistryId" or "VendorId" => Referent.Organization,
            _ when name.EndsWith("UserId", StringComparison.Ordinal) => Referent.User,
            "SkuId" or "ComponentSkuId" => Referent.Sku,
            "DeploymentId" => Referent.Deployment,
            "AgentId" => Referent.Agent,
            _ => Referent.None,
        };
    }

    private static IEnumerable<(Referent Kind, Guid Id)> References(AuditEntryDto entry)
    {
        foreach (var change in entry.Changes)
        {
            var kind = ReferentOf(change.Field);
            foreach (var value in new[] { change.Before, change.After })
                if (kind != Referent.None && Guid.TryParse(value, out var id))
                    yield return (kind, id);
            // A part's label names its organisation (a participant) or its SKU (a component): "Participant {id} (operator): Role".
            var words = change.Field.Split(' ', 3);
            if (words.Length >= 2 && Guid.TryParse(words[1].TrimEnd(':'), out var partId))
            {
                if (words[0] == "Participant")
                    yield return (Referent.Organization, partId);
                else if (words[0] == "Component")
                    yield return (Referent.Sku, partId);
            }
        }
    }

    /// <summary>One query per kind of record for the whole page. Only names are read: every one of these records is listed
    /// by name to any signed-in person elsewhere in the portal.</summary>
    private async Task<Dictionary<Guid, string>> NamesAsync(IReadOnlyList<AuditEntryDto> entries, CancellationToken cancellationToken)
    {
        var wanted = entries.SelectMany(References).Distinct().ToLookup(r => r.Kind, r => r.Id);
        var names = new Dictionary<Guid, string>();
        async Task AddAsync(Referent kind, Func<List<Guid>, IQueryable<KeyValuePair<Guid, string>>> query)
        {
            var ids = wanted[kind].ToList();
            if (ids.Count == 0)
                return;
            foreach (var (id, name) in await query(ids).ToListAsync(cancellationToken))
                names[id] = name;
        }
        await AddAsync(Referent.Organization, ids => db.Organizations.Where(o => ids.Contains(o.Id)).Select(o => new KeyValuePair<Guid, string>(o.Id, o.Name)));
        await AddAsync(Referent.User, ids => db.Users.Where(u => ids.Contains(u.Id))
            .Select(u => new KeyValuePair<Guid, string>(u.Id, u.DisplayName != "" ? u.DisplayName : u.Email!)));
        await AddAsync(Referent.Sku, ids => db.HardwareSkus.Where(k => ids.Contains(k.Id)).Select(k => new KeyValuePair<Guid, string>(k.Id, k.Name)));
        await AddAsync(Referent.Deployment, ids => db.Deployments.Where(d => ids.Contains(d.Id)).Select(d => new KeyValuePair<Guid, string>(d.Id, d.Name)));
        await AddAsync(Referent.Agent, ids => db.Agents.Where(a => ids.Contains(a.Id)).Select(a => new KeyValuePair<Guid, string>(a.Id, a.Name)));
        return names;
    }

    private static Dictionary<string, string>? NamesIn(AuditEntryDto entry, Dictionary<Guid, string> names)
    {
        var found = References(entry).Where(r => names.ContainsKey(r.Id)).Select(r => r.Id).Distinct()
            .ToDictionary(id => id.ToString(), id => names[id]);
        return found.Count == 0 ? null : found;
    }
}
