using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Contracts;
using Portal.Data.Organizations;

namespace Portal.Api.Home;

public sealed partial class HomeService
{
    public const int DeveloperTestLimit = 20;
    public const int DeveloperRunLimit = 10;

    private static readonly string NotProven = KernelStatus.Unsupported.Name();

    /// <summary>
    /// The caller's own tests (those they wrote) and the runs they asked for, failures first; null for a person who is no
    /// developer anywhere and has neither.
    /// </summary>
    private async Task<DeveloperHomeDto?> DeveloperAsync(Caller caller, CancellationToken cancellationToken)
    {
        var mine = db.CompatibilityTests.AsNoTracking().VisibleTo(caller).Where(t => t.OwnerUserId == caller.UserId);
        var total = await mine.CountAsync(cancellationToken);
        var tests = await mine
            .Select(t => new
            {
                t.Id, t.Name, t.Op, t.Language, t.Visibility, t.UpdatedAt,
                Latest = db.Jobs.Where(j => j.TestId == t.Id && j.Status == JobStatus.Completed)
                    .OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id)
                    .Select(j => new { j.Verdict, j.FinishedAt, j.RunId })
                    .FirstOrDefault(),
            })
            // Failing first needs the latest verdict, so the order is decided here, over the caller's own (few) tests.
            .ToListAsync(cancellationToken);
        var testRows = tests
            .Select(t => new DeveloperTestDto(t.Id, t.Name, t.Op, t.Language, t.Visibility, t.Latest?.Verdict, t.Latest?.FinishedAt, t.Latest?.RunId,
                t.Latest?.Verdict is { } verdict && verdict != KernelStatuses.PassedName && verdict != NotProven))
            .OrderByDescending(t => t.Failing)
            .ThenByDescending(t => t.LatestAt ?? DateTimeOffset.MinValue)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .Take(DeveloperTestLimit)
            .ToList();

        // A query variable, so that EF inlines it as a subquery (it cannot translate a call to VisibleTo inside the lambda).
        var visible = db.CompatibilityTests.VisibleTo(caller);
        var runs = await db.TestRuns.AsNoTracking()
            .Where(r => r.RequestedByUserId == caller.UserId)
            .Where(r => r.TestId == null || visible.Any(t => t.Id == r.TestId))
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Take(DeveloperRunLimit)
            .Select(r => new DeveloperRunDto(
                r.Id,
                r.TestId,
                r.Test != null ? r.Test.Name : r.Suite != null ? r.Suite.Name : "",
                r.CreatedAt,
                r.Jobs.Count,
                r.Jobs.Count(j => j.Status == JobStatus.Completed && j.Verdict == KernelStatuses.PassedName),
                r.Jobs.Count(j => (j.Status == JobStatus.Completed && j.Verdict != KernelStatuses.PassedName && j.Verdict != NotProven)
                    || j.Status == JobStatus.Failed || j.Status == JobStatus.Expired),
                r.Jobs.Count(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Leased || j.Status == JobStatus.Running
                    || j.Status == JobStatus.Retrying)))
            .ToListAsync(cancellationToken);

        var isDeveloper = caller.Roles.Values.Any(r => r == MemberRole.Developer);
        if (!isDeveloper && total == 0 && runs.Count == 0)
            return null;
        return new DeveloperHomeDto(total, testRows,
            [.. runs.OrderByDescending(r => r.Failing > 0).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)]);
    }
}
