using System.Linq.Expressions;

namespace Portal.Data.Deployments;

/// <summary>
/// The one meaning of an overdue (slipped) milestone, for the dashboard, the deployments list, the project page and its
/// timeline: marked slipped, or still planned for a day before today. A done milestone is never overdue. Milestone dates
/// have no time zone; today is the portal's UTC day.
/// </summary>
public static class MilestoneSchedule
{
    private static readonly Expression<Func<MilestoneStatus, DateOnly, DateOnly, bool>> Rule =
        (status, date, today) => status == MilestoneStatus.Slipped || (status == MilestoneStatus.Planned && date < today);

    private static readonly Func<MilestoneStatus, DateOnly, DateOnly, bool> Compiled = Rule.Compile();

    /// <summary>Whether a milestone with this status and date is overdue on <paramref name="today"/>.</summary>
    public static bool IsOverdue(MilestoneStatus status, DateOnly date, DateOnly today) => Compiled(status, date, today);

    /// <summary>The same rule as a predicate PostgreSQL evaluates (today becomes a query parameter).</summary>
    public static Expression<Func<Milestone, bool>> Overdue(DateOnly today)
    {
        var milestone = Expression.Parameter(typeof(Milestone), "m");
        var day = Expression.Property(Expression.Constant(new Day(today)), nameof(Day.Value));
        var body = new Substitution(new Dictionary<ParameterExpression, Expression>
        {
            [Rule.Parameters[0]] = Expression.Property(milestone, nameof(Milestone.Status)),
            [Rule.Parameters[1]] = Expression.Property(milestone, nameof(Milestone.Date)),
            [Rule.Parameters[2]] = day,
        }).Visit(Rule.Body);
        return Expression.Lambda<Func<Milestone, bool>>(body, milestone);
    }

    /// <summary>A closure-like holder, so that EF Core sends today as a parameter rather than baking it into the SQL.</summary>
    private sealed record Day(DateOnly Value);

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> replacements) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            replacements.TryGetValue(node, out var replacement) ? replacement : node;
    }
}
