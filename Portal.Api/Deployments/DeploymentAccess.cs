using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Publishing;

namespace Portal.Api.Deployments;

/// <summary>
/// Who may change a deployment: any member of its sponsoring ministry, any member of an organisation
/// taking part as operator, and consortium admins. Who reads it: everyone, signed in or not, when it is public; a private
/// or embargoed one only its ministry's and participants' members and consortium admins (to anyone else it does not exist).
/// </summary>
public static class DeploymentAccess
{
    /// <summary>The one read rule: every list, detail, chart, dashboard and holdings query of deployments goes through it.</summary>
    /// <param name="caller">Null for an anonymous reader.</param>
    public static IQueryable<SovereignDeployment> VisibleTo(this IQueryable<SovereignDeployment> deployments, Caller? caller)
    {
        if (caller is { IsConsortiumAdmin: true })
            return deployments;
        if (caller is null || caller.Roles.Count == 0)
            return deployments.Where(d => d.Publication == Publication.Public);
        var mine = caller.Roles.Keys.ToList();
        return deployments.Where(d => d.Publication == Publication.Public
            || (d.MinistryId != null && mine.Contains(d.MinistryId.Value))
            || d.Participants.Any(p => mine.Contains(p.OrganizationId)));
    }

    /// <summary><see cref="VisibleTo"/> for one deployment already read: its publication, ministry and participants.</summary>
    public static bool CanSee(Caller? caller, Publication publication, Guid? ministryId, IEnumerable<Guid> participantIds) =>
        publication == Publication.Public
        || (caller is not null && (caller.IsConsortiumAdmin || (ministryId is { } ministry && caller.IsMemberOf(ministry))
                                   || participantIds.Any(caller.IsMemberOf)));

    public static bool CanEdit(Caller caller, Guid? ministryId, IEnumerable<Guid> operatorIds) =>
        caller.IsConsortiumAdmin
        || (ministryId is { } ministry && caller.IsMemberOf(ministry))
        || operatorIds.Any(caller.IsMemberOf);

    public static bool CanEdit(Caller caller, DeploymentDto deployment) =>
        CanEdit(caller, deployment.Ministry?.Id, OperatorsOf(deployment.Participants.Select(p => (p.OrganizationId, p.Role))));

    /// <summary>Deleting is for the ministry's members and consortium admins; operators only edit.</summary>
    public static bool CanDelete(Caller caller, Guid? ministryId) =>
        caller.IsConsortiumAdmin || (ministryId is { } ministry && caller.IsMemberOf(ministry));

    /// <summary>Whoever creates a deployment must be able to edit what they created.</summary>
    public static bool CanCreate(Caller caller, DeploymentValidator.Valid valid) =>
        CanEdit(caller, valid.MinistryId, OperatorsOf(valid.Participants));

    /// <summary>
    /// The sponsoring ministry is the ministry's to give: only its members (and consortium admins) name it as sponsor,
    /// and only members of the current sponsor remove or replace it. An operator edits everything else.
    /// </summary>
    public static bool MayChangeMinistry(Caller caller, Guid? current, Guid? requested) =>
        current == requested
        || caller.IsConsortiumAdmin
        || ((current is not { } from || caller.IsMemberOf(from)) && (requested is not { } to || caller.IsMemberOf(to)));

    /// <summary>Whether the caller could create any deployment at all: the UI shows "New deployment" only then.</summary>
    public static bool MayCreateSome(Caller caller) => caller.IsConsortiumAdmin || caller.Roles.Count > 0;

    /// <summary>
    /// What deciding who may edit a deployment needs; null when there is no such deployment or <paramref name="reader"/> may
    /// not see it (to them it does not exist, even to be refused).
    /// </summary>
    internal static async Task<(Guid Id, Guid? MinistryId, List<Guid> Operators)?> LoadAsync(
        PortalDbContext db, Guid deploymentId, Caller? reader, CancellationToken cancellationToken)
    {
        var row = await db.Deployments.AsNoTracking().VisibleTo(reader).Where(d => d.Id == deploymentId)
            .Select(d => new
            {
                d.Id,
                d.MinistryId,
                Operators = d.Participants.Where(p => p.Role == ParticipantRole.Operator).Select(p => p.OrganizationId).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.Id, row.MinistryId, row.Operators);
    }

    private static IEnumerable<Guid> OperatorsOf(IEnumerable<(Guid OrganizationId, ParticipantRole Role)> participants) =>
        participants.Where(p => p.Role == ParticipantRole.Operator).Select(p => p.OrganizationId);
}
