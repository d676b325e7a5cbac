using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Jobs;

namespace Portal.Api.Operations;

/// <summary>
/// The queue as operators see it: depth per language and per device class, the oldest waiting job, leases running out,
/// jobs that ended without a verdict, and their retry. Consortium admins only: the view names private tests and
/// unreleased SKUs of every organisation.
/// </summary>
public sealed class OperationsService(PortalDbContext db, JobQueue queue, RunEventBatch events, IOptions<JobQueueOptions> options)
{
    /// <summary>How many held leases the overview lists (the counts cover them all).</summary>
    public const int MaxListedLeases = 50;

    public static bool CanOperate(Caller caller) => caller.IsConsortiumAdmin;

    /// <summary>Queued jobs per language, with the oldest one's submission: the overview and the /metrics gauge read this one query.</summary>
    public static IQueryable<LanguageCount> QueuedByLanguage(PortalDbContext db) =>
        db.Jobs.AsNoTracking()
            // "Attempts >= 0" (always true) lets the queued jobs be read from ix_jobs_queued_age (JobIndexes).
            .Where(j => (j.Status == JobStatus.Queued && j.Attempts >= 0) || j.Status == JobStatus.Retrying)
            .GroupBy(j => new { j.Language, j.Status })
            .Select(g => new LanguageCount(g.Key.Language, g.Key.Status, g.Count(), g.Min(j => j.CreatedAt)));

    public async Task<Outcome<QueueOverviewDto>> OverviewAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!CanOperate(caller))
            return Forbidden<QueueOverviewDto>();
        var at = db.Now;
        double? Age(DateTimeOffset? oldest) => oldest is { } o ? Math.Max(0, (at - o).TotalSeconds) : null;

        var counts = await QueuedByLanguage(db).ToListAsync(cancellationToken);
        var languages = KernelLanguages.Names.Concat(counts.Select(c => c.Language)).Distinct()
            .Select(language =>
            {
                var queued = counts.FirstOrDefault(c => c.Language == language && c.Status == JobStatus.Queued);
                var retrying = counts.FirstOrDefault(c => c.Language == language && c.Status == JobStatus.Retrying);
                return new LanguageDepthDto(language, queued?.Count ?? 0, retrying?.Count ?? 0, queued?.Oldest, Age(queued?.Oldest));
            })
            .ToList();

        // A device-targeted job waits for the device class its device is mapped to.
        var bySku = await (
                from j in db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued && j.Attempts >= 0)
                join d in db.AgentDevices on j.TargetDeviceId equals d.Id into devices
                from d in devices.DefaultIfEmpty()
                select new { Sku = j.TargetSkuId ?? d.SkuId, j.CreatedAt })
            .GroupBy(x => x.Sku)
            .Select(g => new { g.Key, Count = g.Count(), Oldest = g.Min(x => x.CreatedAt) })
            .ToListAsync(cancellationToken);
        var skuIds = bySku.Where(s => s.Key != null).Select(s => s.Key!.Value).ToList();
        var names = await db.HardwareSkus.AsNoTracking().Where(s => skuIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var skus = bySku
            .Select(s => new SkuDepthDto(s.Key, s.Key is { } id && names.TryGetValue(id, out var name) ? name : null, s.Count, s.Oldest, Age(s.Oldest)))
            .OrderByDescending(s => s.Queued).ThenBy(s => s.SkuName)
            .ToList();

        var soon = TimeSpan.FromSeconds(Math.Max(1, options.Value.LeaseSeconds / 3));
        var held = db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Leased || j.Status == JobStatus.Running) && j.LeaseExpiresAt < at + soon);
        var expired = await held.CountAsync(j => j.LeaseExpiresAt < at, cancellationToken);
        var expiring = await held.CountAsync(cancellationToken) - expired;
        var leases = await held
            .OrderBy(j => j.LeaseExpiresAt).ThenBy(j => j.Id)
            .Take(MaxListedLeases)
            .Select(j => new HeldLeaseDto(j.Id, j.RunId, j.Test!.Name, j.Language, j.Agent!.Name, j.Device!.Name, j.Status, j.Attempts, j.MaxAttempts,
                j.LeaseExpiresAt!.Value, j.LeaseExpiresAt < at))
            .ToListAsync(cancellationToken);

        var oldest = languages.Where(l => l.OldestQueuedAt is not null).Select(l => l.OldestQueuedAt!.Value).DefaultIfEmpty().Min();
        return new QueueOverviewDto(at, languages.Sum(l => l.Queued), languages.Sum(l => l.Retrying),
            languages.Any(l => l.OldestQueuedAt is not null) ? Age(oldest) : null,
            languages, skus, expiring, expired, (int)soon.TotalSeconds, leases);
    }

    /// <summary>Jobs that ended without a verdict, the latest first.</summary>
    public async Task<Outcome<PagedList<FailedJobDto>>> FailedJobsAsync(Caller caller, FailedJobQuery query, CancellationToken cancellationToken)
    {
        if (!CanOperate(caller))
            return Forbidden<PagedList<FailedJobDto>>();
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        if (errors.Any)
            return new Outcome<PagedList<FailedJobDto>>.Invalid(errors.ToDictionary());

        var failed = db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Failed || j.Status == JobStatus.Expired);
        var total = await failed.CountAsync(cancellationToken);
        var items = await failed
            .OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(j => new FailedJobDto(j.Id, j.RunId, j.TestId, j.Test!.Name, j.Language,
                db.HardwareSkus.Where(s => s.Id == j.TargetSkuId).Select(s => s.Name).FirstOrDefault()
                    ?? db.AgentDevices.Where(d => d.Id == j.TargetDeviceId).Select(d => d.Name).FirstOrDefault(),
                j.Status, j.Attempts, j.MaxAttempts, j.FailureReason, j.CreatedAt, j.FinishedAt, true))
            .ToListAsync(cancellationToken);
        return new PagedList<FailedJobDto>(items, total, page, pageSize);
    }

    /// <summary>
    /// Puts a failed or expired job back in the queue, in place, so that its run still ends with one outcome per job: with
    /// at least one attempt left, no lease (every earlier lease id stays stale, so a late completion from an agent that
    /// held it is refused as before) and a fresh queue time, so that it neither jumps the queue nor is given up again at
    /// once by the queued-time limit. Recorded in the audit log, and waiting agents are woken.
    /// </summary>
    public async Task<Outcome<RetriedJobDto>> RetryAsync(Caller caller, Guid jobId, CancellationToken cancellationToken)
    {
        if (!CanOperate(caller))
            return Forbidden<RetriedJobDto>();
        var now = db.Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var before = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.RunId, j.Status, j.Attempts, j.MaxAttempts, j.FailureReason, j.CreatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (before is null)
            return new Outcome<RetriedJobDto>.NotFound(Localized<OperationsText>.Format("JobNotFound", jobId));
        // The status condition makes the retry atomic: of two admins retrying at once, one re-queues and the other is told so.
        var changed = await db.Jobs
            .Where(j => j.Id == jobId && (j.Status == JobStatus.Failed || j.Status == JobStatus.Expired))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Queued)
                .SetProperty(j => j.MaxAttempts, j => j.MaxAttempts > j.Attempts ? j.MaxAttempts : j.Attempts + 1)
                .SetProperty(j => j.CreatedAt, now)
                .SetProperty(j => j.FailureReason, (string?)null)
                .SetProperty(j => j.FinishedAt, (DateTimeOffset?)null)
                .SetProperty(j => j.RetryAt, (DateTimeOffset?)null)
                .SetProperty(j => j.LeaseId, (Guid?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.LeasedAt, (DateTimeOffset?)null)
                .SetProperty(j => j.StartedAt, (DateTimeOffset?)null), cancellationToken);
        if (changed == 0)
            return new Outcome<RetriedJobDto>.Conflict(Localized<OperationsText>.Format("NotRetriable", before.Status.Name()));

        var maxAttempts = Math.Max(before.MaxAttempts, before.Attempts + 1);
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, ActorUserId = caller.UserId, ActorName = caller.Name, EntityType = nameof(Job), EntityId = jobId.ToString(), Action = "retried",
            Changes =
            [
                new AuditChange(nameof(Job.Status), before.Status.Name(), JobStatus.Queued.Name()),
                new AuditChange(nameof(Job.MaxAttempts), before.MaxAttempts.ToString(CultureInfo.InvariantCulture), maxAttempts.ToString(CultureInfo.InvariantCulture)),
                new AuditChange(nameof(Job.FailureReason), before.FailureReason, null),
                new AuditChange("QueuedAt", before.CreatedAt.ToString("O", CultureInfo.InvariantCulture), now.ToString("O", CultureInfo.InvariantCulture)),
            ],
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        await queue.NotifyQueuedAsync(cancellationToken);
        events.Add(before.RunId);
        return new RetriedJobDto(jobId, before.RunId, JobStatus.Queued, before.Attempts, maxAttempts, now);
    }

    private static Outcome<T>.Forbidden Forbidden<T>() => new(Localized<OperationsText>.Get("AdminsOnly"));
}

/// <summary>One language's queued (or retrying) jobs: how many, and when the oldest was queued.</summary>
public sealed record LanguageCount(string Language, JobStatus Status, int Count, DateTimeOffset Oldest);
