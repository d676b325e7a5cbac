using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Api.Audit;

public sealed record AuditEntryDto(long Id, DateTimeOffset At, Guid? ActorUserId, string ActorName, string EntityType, string EntityId, string Action, IReadOnlyList<AuditChange> Changes);

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
            .Select(e => new AuditEntryDto(e.Id, e.At, e.ActorUserId, e.ActorName, e.EntityType, e.EntityId, e.Action, e.Changes))
            .ToListAsync(cancellationToken);
        return new PagedList<AuditEntryDto>([.. items.Select(AuditVisibility.WithoutSecrets)], total, page, pageSize);
    }
}
