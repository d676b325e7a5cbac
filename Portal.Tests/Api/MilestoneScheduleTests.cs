using Portal.Data.Deployments;

namespace Portal.Tests.Api;

/// <summary>The one meaning of an overdue (slipped) milestone, in C# and as the predicate PostgreSQL runs.</summary>
public sealed class MilestoneScheduleTests
{
    private static readonly DateOnly Today = new(2026, 12, 5);

    public static TheoryData<MilestoneStatus, int, bool> Cases => new()
    {
        { MilestoneStatus.Planned, -66, true },  // still planned after its day: overdue, whether or not anyone marked it
        { MilestoneStatus.Planned, -1, true },
        { MilestoneStatus.Planned, 0, false },   // due today is not late yet
        { MilestoneStatus.Planned, 30, false },
        { MilestoneStatus.Slipped, -3, true },   // marked slipped: overdue, before or after its date
        { MilestoneStatus.Slipped, 10, true },
        { MilestoneStatus.Done, -40, false },    // done is never overdue
        { MilestoneStatus.Done, 5, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_milestone_is_overdue_when_marked_slipped_or_still_planned_after_its_day(MilestoneStatus status, int days, bool overdue)
    {
        var date = Today.AddDays(days);

        Assert.Equal(overdue, MilestoneSchedule.IsOverdue(status, date, Today));
        // The query form is the same rule.
        var predicate = MilestoneSchedule.Overdue(Today).Compile();
        Assert.Equal(overdue, predicate(new Milestone { Title = "m", Status = status, Date = date }));
    }
}
