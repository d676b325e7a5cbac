using Portal.Data.Deployments;

namespace Portal.Api.Home;

/// <summary>
/// The one rule for a project's traffic light, shown with its reasons in words (never by colour alone):
/// red — a milestone is overdue (<see cref="MilestoneSchedule"/>), or less than <see cref="CoverageRed"/> of the planned
/// accelerators is proven compatible; amber — a milestone is due within <see cref="SoonDays"/> days, the coverage is
/// below 100 %, or the hardware bill lists no accelerators yet; green — none of these. A cancelled project has no light.
/// </summary>
public static class ProjectSignal
{
    public const double CoverageRed = 0.5;
    public const int SoonDays = 30;

    public static ProjectSignalDto Of(DeploymentStatus status, ProjectMilestoneDto? milestone, int overdueMilestones, ProjectCoverageDto coverage,
        DateOnly today)
    {
        if (status == DeploymentStatus.Cancelled)
            return new ProjectSignalDto(TrafficLight.None, [SignalReason.Cancelled]);
        var red = new List<SignalReason>();
        var amber = new List<SignalReason>();
        if (overdueMilestones > 0)
            red.Add(SignalReason.MilestoneOverdue);
        else if (milestone is { Overdue: false } next && next.Date.DayNumber - today.DayNumber <= SoonDays)
            amber.Add(SignalReason.MilestoneSoon);
        switch (coverage.Share)
        {
            case null:
                amber.Add(SignalReason.NoAccelerators);
                break;
            case < CoverageRed:
                red.Add(SignalReason.CoverageLow);
                break;
            case < 1:
                amber.Add(SignalReason.CoverageIncomplete);
                break;
        }
        var light = red.Count > 0 ? TrafficLight.Red : amber.Count > 0 ? TrafficLight.Amber : TrafficLight.Green;
        return new ProjectSignalDto(light, [.. red, .. amber]);
    }
}
