using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>A deployment's milestones: date, title, status and note, edited by the deployment's editors.</summary>
public sealed class MilestoneService(PortalDbContext db, TimeProvider time)
{
    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task<Outcome<IReadOnlyList<MilestoneDto>>> ListAsync(Caller? reader, Guid deploymentId, CancellationToken cancellationToken)
    {
        if (!await db.Deployments.VisibleTo(reader).AnyAsync(d => d.Id == deploymentId, cancellationToken))
            return new Outcome<IReadOnlyList<MilestoneDto>>.NotFound(Localized<DeploymentText>.Format("NotFound", deploymentId));
        return await Milestones(db, Today, deploymentId).ToListAsync(cancellationToken);
    }

    public async Task<Outcome<MilestoneDto>> AddAsync(Caller caller, Guid deploymentId, MilestoneInput input, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<MilestoneDto>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var (valid, errors) = MilestoneValidator.Validate(input);
        if (valid is null)
            return errors.ToOutcome<MilestoneDto>();

        var milestone = new Milestone { DeploymentId = deploymentId, Date = valid.Date, Title = valid.Title, Status = valid.Status, Note = valid.Note };
        db.Milestones.Add(milestone);
        return await SaveAsync(caller, deploymentId, milestone.Id, cancellationToken);
    }

    public async Task<Outcome<MilestoneDto>> UpdateAsync(
        Caller caller, Guid deploymentId, Guid milestoneId, MilestoneInput input, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<MilestoneDto>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var milestone = await db.Milestones.FirstOrDefaultAsync(m => m.Id == milestoneId && m.DeploymentId == deploymentId, cancellationToken);
        if (milestone is null)
            return MilestoneNotFound<MilestoneDto>(milestoneId);

        var (valid, errors) = MilestoneValidator.Validate(input);
        if (input.Version is null)
            errors.Add("version", Localized<DeploymentText>.Get("VersionRequired"));
        if (valid is null || errors.Any)
            return errors.ToOutcome<MilestoneDto>();

        db.Entry(milestone).Property(m => m.Version).OriginalValue = input.Version!.Value;
        milestone.Date = valid.Date;
        milestone.Title = valid.Title;
        milestone.Status = valid.Status;
        milestone.Note = valid.Note;
        return await SaveAsync(caller, deploymentId, milestoneId, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid deploymentId, Guid milestoneId, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<bool>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var milestone = await db.Milestones.FirstOrDefaultAsync(m => m.Id == milestoneId && m.DeploymentId == deploymentId, cancellationToken);
        if (milestone is null)
            return MilestoneNotFound<bool>(milestoneId);
        db.Milestones.Remove(milestone);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    /// <summary>The milestones, each flagged overdue on <paramref name="today"/> by the one rule (evaluated as rows arrive).</summary>
    internal static IQueryable<MilestoneDto> Milestones(PortalDbContext db, DateOnly today, Guid deploymentId, Guid? milestoneId = null) =>
        db.Milestones.AsNoTracking()
            .Where(m => m.DeploymentId == deploymentId && (milestoneId == null || m.Id == milestoneId))
            .OrderBy(m => m.Date).ThenBy(m => m.Title)
            .Select(m => new MilestoneDto(m.Id, m.Date, m.Title, m.Status, m.Note, m.Version, MilestoneSchedule.IsOverdue(m.Status, m.Date, today)));

    private async Task<Outcome<MilestoneDto>> SaveAsync(Caller caller, Guid deploymentId, Guid milestoneId, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Conflict
            ? new Outcome<MilestoneDto>.Conflict(Localized<DeploymentText>.Get("MilestoneConflict"))
            : await Milestones(db, Today, deploymentId, milestoneId).FirstAsync(cancellationToken);

    private static Outcome<T>.NotFound MilestoneNotFound<T>(Guid milestoneId) => new(Localized<DeploymentText>.Format("MilestoneNotFound", milestoneId));
}
