using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>
/// Puts work on the queue: a run with one job per test and target, saved in one transaction, then a NOTIFY that
/// wakes the agents waiting for work. Targets are "sku:&lt;id&gt;" (any device of that SKU may run it),
/// "device:&lt;id&gt;" (exactly that device), or none: every online device that accepts the language and whose agent
/// may lease the test (<see cref="LeaseRule"/>, the rule the lease statement applies), so no job waits for a device
/// that will never take it.
/// </summary>
public sealed class JobSubmitter(PortalDbContext db, JobQueue queue, RunEventBatch events, IOptions<JobQueueOptions> options, TimeProvider time)
{
    public const int MaxTargets = 200;

    private sealed record Target(Guid? DeviceId, Guid? SkuId);

    public async Task<Outcome<Guid>> SubmitTestRunAsync(Caller caller, CompatibilityTest test, IReadOnlyList<string> targets,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var resolved = await ResolveAsync(errors, test, targets ?? [], cancellationToken);
        if (errors.Any)
            return errors.ToOutcome<Guid>();
        var run = new TestRun { TestId = test.Id, RequestedByUserId = caller.UserId, Reason = RunReason.Submitted };
        return await SaveAsync(run, test.OrganizationId, resolved.Select(t => (test.Id, test.Language, t)), cancellationToken);
    }

    /// <summary>Qualification: every test of a suite in each of the given languages, on one device.</summary>
    public async Task<Guid?> SubmitSuiteRunAsync(Guid suiteId, Guid deviceId, IReadOnlyCollection<string> languages, CancellationToken cancellationToken)
    {
        var tests = await db.CompatibilityTests.AsNoTracking()
            .Where(t => t.SuiteId == suiteId && languages.Contains(t.Language))
            .OrderBy(t => t.Language).ThenBy(t => t.Name)
            .Select(t => new { t.Id, t.Language })
            .ToListAsync(cancellationToken);
        if (tests.Count == 0)
            return null;
        var run = new TestRun { SuiteId = suiteId, Reason = RunReason.Qualification };
        return await SaveAsync(run, null, tests.Select(t => (t.Id, t.Language, new Target(deviceId, null))), cancellationToken);
    }

    /// <param name="organizationId">Whose turn the jobs take in their pools (the test's organisation; null: none, as the suite's).</param>
    private async Task<Guid> SaveAsync(TestRun run, Guid? organizationId, IEnumerable<(Guid TestId, string Language, Target Target)> jobs,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        run.CreatedAt = now;
        var maxAttempts = options.Value.MaxAttempts;
        var list = jobs.ToList();
        var perPool = list.GroupBy(j => Pool(j.Target)).ToDictionary(g => g.Key, g => g.Count());
        var next = new Dictionary<Guid, long>(await queue.AllocateFairRanksAsync(organizationId ?? Guid.Empty, perPool, cancellationToken));
        foreach (var (testId, language, target) in list)
        {
            var pool = Pool(target);
            run.Jobs.Add(new Job
            {
                TestId = testId,
                Language = language,
                TargetDeviceId = target.DeviceId,
                TargetSkuId = target.SkuId,
                Status = JobStatus.Queued,
                FairRank = next[pool]++,
                MaxAttempts = maxAttempts,
                CreatedAt = now,
            });
        }
        db.TestRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await queue.NotifyQueuedAsync(cancellationToken);
        events.Add(run.Id);
        return run.Id;
    }

    private static Guid Pool(Target target) => target.DeviceId ?? target.SkuId!.Value;

    private async Task<List<Target>> ResolveAsync(ValidationErrors errors, CompatibilityTest test, IReadOnlyList<string> targets,
        CancellationToken cancellationToken)
    {
        var language = test.Language;
        var mayLease = LeaseRule.DevicesThatMayLease(test.Visibility, test.OrganizationId);
        if (targets.Count > MaxTargets)
        {
            errors.Add("targets", Localized<JobText>.Format("TooManyTargets", MaxTargets));
            return [];
        }
        if (targets.Count == 0)
        {
            var online = time.GetUtcNow() - options.Value.Online;
            var accepting = db.AgentDevices.AsNoTracking()
                .Where(d => d.Present && d.Languages.Contains(language)
                    && d.Agent!.RevokedAt == null && d.Agent.LastHeartbeatAt >= online);
            var devices = await accepting.Where(mayLease)
                .OrderBy(d => d.Name)
                .Select(d => d.Id)
                .ToListAsync(cancellationToken);
            // Say which it is: nothing online takes the language, or only devices whose agents may not run this private test.
            if (devices.Count == 0)
                errors.Add("targets", await accepting.AnyAsync(cancellationToken)
                    ? Localized<JobText>.Format("NoPermittedDevice", language)
                    : Localized<JobText>.Format("NoOnlineDevice", language));
            return [.. devices.Select(id => new Target(id, null))];
        }

        var parsed = new List<Target>();
        foreach (var target in targets.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var (kind, id) = Split(target);
            if (kind == "sku" && id is { } sku)
                parsed.Add(new Target(null, sku));
            else if (kind == "device" && id is { } device)
                parsed.Add(new Target(device, null));
            else
                errors.Add("targets", Localized<JobText>.Format("TargetFormat", target));
        }
        var skuIds = parsed.Where(t => t.SkuId is not null).Select(t => t.SkuId!.Value).ToList();
        var deviceIds = parsed.Where(t => t.DeviceId is not null).Select(t => t.DeviceId!.Value).ToList();
        var knownSkus = await db.HardwareSkus.AsNoTracking().Where(s => skuIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        var knownDevices = await db.AgentDevices.AsNoTracking()
            .Where(d => deviceIds.Contains(d.Id))
            .Select(d => new { d.Id, d.Name, d.Languages })
            .ToListAsync(cancellationToken);
        var permitted = await db.AgentDevices.AsNoTracking().Where(d => deviceIds.Contains(d.Id)).Where(mayLease).Select(d => d.Id)
            .ToListAsync(cancellationToken);
        foreach (var sku in skuIds.Except(knownSkus))
            errors.Add("targets", Localized<JobText>.Format("UnknownSku", sku));
        foreach (var device in deviceIds)
        {
            var known = knownDevices.FirstOrDefault(d => d.Id == device);
            if (known is null)
                errors.Add("targets", Localized<JobText>.Format("UnknownDevice", device));
            else if (!known.Languages.Contains(language))
                errors.Add("targets", Localized<JobText>.Format("DeviceRejectsLanguage", known.Name, language, string.Join(", ", known.Languages)));
            else if (!permitted.Contains(device))
                errors.Add("targets", Localized<JobText>.Format("DeviceMayNotRun", known.Name));
        }
        return parsed;
    }

    private static (string Kind, Guid? Id) Split(string target)
    {
        var colon = (target ?? "").IndexOf(':');
        if (colon <= 0)
            return ("", null);
        return (target![..colon].Trim().ToLowerInvariant(), Guid.TryParse(target[(colon + 1)..].Trim(), out var id) ? id : null);
    }
}
