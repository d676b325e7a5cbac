using Portal.Api.Deployments;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Conformance;
using Portal.Api.Memberships;
using Portal.Api.Operations;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Organizations;

namespace Portal.Api.Home;

/// <summary>
/// How the home page tells roles apart. A person may hold several, and sees a section for each:
/// a ministry officer is a member of a ministry; a partner is an admin or member of another organisation (not the
/// consortium's own); a developer holds the developer role somewhere, or has written tests or asked for runs; a
/// consortium admin is marked so on the account.
/// </summary>
public static class HomeRoles
{
    public static bool IsPartnerRole(MemberRole role) => role is MemberRole.Admin or MemberRole.Member;
}

/// <summary>
/// The home page's sections, one per role of the caller (<see cref="HomeRoles"/>), each answering that role's question
/// with a few short queries; nothing here is stored, everything is read from the registry, the queue and the audit-free tables.
/// </summary>
public sealed partial class HomeService(
    PortalDbContext db,
    Npgsql.NpgsqlDataSource dataSource,
    TimeProvider time,
    ConformanceService conformance,
    MembershipService memberships,
    OperationsService operations,
    Regressions.RegressionService regressions)
{
    public const int ProjectLimit = 20;

    public async Task<HomeDto> GetAsync(Caller caller, CancellationToken cancellationToken)
    {
        // Milestone dates have no time zone; the portal's day is the UTC one (as MilestoneSchedule says).
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var memberOf = caller.Roles.Keys.ToList();
        var organizations = await db.Organizations.AsNoTracking()
            .Where(o => memberOf.Contains(o.Id))
            .OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Select(o => new { o.Id, o.Name, o.Kind })
            .ToListAsync(cancellationToken);
        var ministries = organizations.Where(o => o.Kind == OrganizationKind.Ministry).Select(o => new HomeOrganizationDto(o.Id, o.Name)).ToList();
        var partners = organizations
            .Where(o => o.Kind is not (OrganizationKind.Ministry or OrganizationKind.Consortium) && HomeRoles.IsPartnerRole(caller.Roles[o.Id]))
            .Select(o => new HomeOrganizationDto(o.Id, o.Name))
            .ToList();

        return new HomeDto(
            today,
            ministries.Count == 0 ? null : await MinistryAsync(caller, ministries, today, cancellationToken),
            partners.Count == 0 ? null : await PartnerAsync(caller, partners, cancellationToken),
            await DeveloperAsync(caller, cancellationToken),
            caller.IsConsortiumAdmin ? await AdminAsync(caller, cancellationToken) : null);
    }

    private async Task<MinistryHomeDto> MinistryAsync(Caller caller, List<HomeOrganizationDto> ministries, DateOnly today, CancellationToken cancellationToken)
    {
        var ids = ministries.Select(m => m.Id).ToList();
        var deployments = db.Deployments.AsNoTracking().VisibleTo(caller).Where(d => d.MinistryId != null && ids.Contains(d.MinistryId.Value));
        var total = await deployments.CountAsync(cancellationToken);
        var projects = await deployments
            .OrderBy(d => d.Name).ThenBy(d => d.Id)
            .Select(d => new { d.Id, d.Name, d.Country, d.Status, d.PlannedMw, d.InstalledMw })
            .ToListAsync(cancellationToken);
        var projectIds = projects.Select(p => p.Id).ToList();
        // Done milestones never need attention; the rest are few per project.
        var open = (await db.Milestones.AsNoTracking()
                .Where(m => projectIds.Contains(m.DeploymentId) && m.Status != MilestoneStatus.Done)
                .Select(m => new { m.DeploymentId, m.Date, m.Title, m.Status, m.Id })
                .ToListAsync(cancellationToken))
            .ToLookup(m => m.DeploymentId);

        var scheduled = projects.Select(project =>
        {
            var milestones = open[project.Id]
                .Select(m => new ProjectMilestoneDto(m.Date, m.Title, m.Status, MilestoneSchedule.IsOverdue(m.Status, m.Date, today)))
                .OrderBy(m => m.Date).ThenBy(m => m.Title, StringComparer.Ordinal)
                .ToList();
            // The next milestone never skips an overdue one: the earliest overdue comes first, then the earliest still ahead.
            var milestone = milestones.FirstOrDefault(m => m.Overdue) ?? milestones.FirstOrDefault(m => m.Status == MilestoneStatus.Planned);
            return (Project: project, Milestone: milestone, Overdue: milestones.Count(m => m.Overdue));
        });

        // Coverage costs a few queries per project, so it is read for the projects shown: those with overdue milestones first.
        var cards = new List<ProjectCardDto>();
        foreach (var (project, milestone, overdue) in scheduled.OrderBy(p => p.Overdue == 0).ThenBy(p => p.Project.Name, StringComparer.Ordinal).Take(ProjectLimit))
        {
            var coverage = await CoverageAsync(caller, project.Id, cancellationToken);
            cards.Add(new ProjectCardDto(project.Id, project.Name, project.Country, project.Status, project.PlannedMw, project.InstalledMw,
                milestone, overdue, coverage, ProjectSignal.Of(project.Status, milestone, overdue, coverage, today)));
        }

        return new MinistryHomeDto(ministries, total,
            [.. cards.OrderBy(c => Severity(c.Signal.Light)).ThenBy(c => c.Name, StringComparer.Ordinal)]);
    }

    private async Task<ProjectCoverageDto> CoverageAsync(Caller caller, Guid deploymentId, CancellationToken cancellationToken)
    {
        if (await conformance.DeploymentCoverageAsync(caller, deploymentId, cancellationToken) is not Outcome<DeploymentCoverageDto>.Success { Value: var coverage })
            return new ProjectCoverageDto(0, 0, []);
        var proven = coverage.Skus.Where(s => s.ProvenLanguages.Count > 0).Sum(s => s.PlannedUnits);
        return new ProjectCoverageDto(coverage.AcceleratorUnits, proven, coverage.Languages);
    }

    private static int Severity(TrafficLight light) => light switch
    {
        TrafficLight.Red => 0,
        TrafficLight.Amber => 1,
        TrafficLight.Green => 2,
        _ => 3,
    };
}
