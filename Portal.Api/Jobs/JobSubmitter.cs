using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>
/// PLACEHOLDER for the tests-api branch only: the Jobs feature (main) owns the real JobSubmitter, which replaces this
/// file at merge. Same signature; just enough behaviour for the run endpoints and their tests.
/// </summary>
public sealed class JobSubmitter(PortalDbContext db, JobQueue queue)
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(2);

    public async Task<Outcome<Guid>> SubmitTestRunAsync(Caller caller, CompatibilityTest test, IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var resolved = new List<(Guid? Device, Guid? Sku)>();
        if (targets.Count == 0)
        {
            var since = db.Now - OnlineWindow;
            var online = await db.AgentDevices
                .Where(d => d.Present && d.Languages.Contains(test.Language) && d.Agent!.RevokedAt == null && d.Agent.LastHeartbeatAt >= since)
                .Select(d => d.Id).ToListAsync(cancellationToken);
            resolved.AddRange(online.Select(id => ((Guid?)id, (Guid?)null)));
            if (resolved.Count == 0)
                errors.Add("targets", "No online device accepts " + test.Language + ".");
        }
        foreach (var target in targets)
        {
            var parts = (target ?? "").Split(':', 2);
            if (parts.Length == 2 && Guid.TryParse(parts[1], out var id) && parts[0] == "sku" && await db.HardwareSkus.AnyAsync(s => s.Id == id, cancellationToken))
                resolved.Add((null, id));
            else if (parts.Length == 2 && Guid.TryParse(parts[1], out id) && parts[0] == "device" && await db.AgentDevices.AnyAsync(d => d.Id == id, cancellationToken))
                resolved.Add((id, null));
            else
                errors.Add("targets", $"'{target}' is not a known sku:<id> or device:<id>.");
        }
        if (errors.Any)
            return errors.ToOutcome<Guid>();

        var now = db.Now;
        var run = new TestRun { TestId = test.Id, RequestedByUserId = caller.UserId, Reason = RunReason.Submitted, CreatedAt = now };
        run.Jobs.AddRange(resolved.Select(t => new Job
        {
            TestId = test.Id, Language = test.Language, TargetDeviceId = t.Device, TargetSkuId = t.Sku,
            Status = JobStatus.Queued, MaxAttempts = MaxAttempts, CreatedAt = now,
        }));
        db.TestRuns.Add(run);
        await db.SaveAsAsync(caller, cancellationToken);
        await queue.NotifyQueuedAsync(cancellationToken);
        return run.Id;
    }
}
