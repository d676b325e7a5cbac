using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Api.Home;
using Portal.Api.Matrix;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Finds changes people can hear about and records them as <see cref="ChangeEvent"/>s, queueing a webhook delivery for each
/// subscriber in the same transaction (the outbox). It reads each source since its watermark, re-reading an overlap behind it
/// so that a change committed late is not missed; an event's key makes a change recorded once however often it is read.
/// The watermark rows are locked for the pass, so replicas take turns. The queue is left as it is: completion does not need
/// to know about subscriptions.
/// </summary>
public sealed class ChangeDetector(IServiceScopeFactory scopes, IOptions<SubscriptionOptions> options, TimeProvider time, ILogger<ChangeDetector> logger)
    : BackgroundService
{
    private const string JobsSource = "jobs";
    private const string SkusSource = "skus";

    /// <summary>One pass: the changes found and queued (0 when there was nothing new).</summary>
    public async Task<int> DetectOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = time.GetUtcNow();
        var overlap = TimeSpan.FromSeconds(options.Value.OverlapSeconds);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var jobsSince = await WatermarkAsync(db, JobsSource, now, cancellationToken) - overlap;
        var skusSince = await WatermarkAsync(db, SkusSource, now, cancellationToken) - overlap;

        var found = new List<ChangeEvent>();
        found.AddRange(await VerdictChangesAsync(db, jobsSince, now, cancellationToken));
        var newSkus = await db.HardwareSkus.AsNoTracking()
            .Where(s => s.CreatedAt > skusSince)
            .Select(s => new { s.Id, s.CreatedAt })
            .ToListAsync(cancellationToken);
        found.AddRange(newSkus.Select(s => new ChangeEvent
        {
            Kind = ChangeKind.NewSku, Key = $"sku:{s.Id}", OccurredAt = s.CreatedAt, DetectedAt = now, SkuId = s.Id,
        }));
        found.AddRange(await SlippedMilestonesAsync(db, now, cancellationToken));

        var keys = found.Select(e => e.Key).ToList();
        var known = (await db.ChangeEvents.Where(e => keys.Contains(e.Key)).Select(e => e.Key).ToListAsync(cancellationToken)).ToHashSet();
        var fresh = found.Where(e => !known.Contains(e.Key)).DistinctBy(e => e.Key).OrderBy(e => e.OccurredAt).ToList();
        db.ChangeEvents.AddRange(fresh);
        await db.SaveChangesAsync(cancellationToken);
        await new WebhookFanout(db).QueueAsync(fresh, now, cancellationToken);

        await db.ChangeWatermarks.Where(w => w.Source == JobsSource || w.Source == SkusSource)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.Position, w => w.Position > now ? w.Position : now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return fresh.Count;
    }

    /// <summary>The source's position, its row locked until the pass commits; a source never read starts now (no history is replayed).</summary>
    private static async Task<DateTimeOffset> WatermarkAsync(PortalDbContext db, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync(
            $"insert into change_watermarks (source, position) values ({source}, {now}) on conflict (source) do nothing", cancellationToken);
        var positions = await db.Database.SqlQuery<DateTimeOffset>(
                $"select position as \"Value\" from change_watermarks where source = {source} for update")
            .ToListAsync(cancellationToken);
        return positions.Single();
    }

    // Raw SQL: a LATERAL join finds the counting result just before each new one (EF cannot say it). "Counts" is the matrix's rule
    // (LatestVerdicts.CountsTowardSku); a regression is a pass followed by one of the partner home's failing verdicts
    // (RegressionService.FailingVerdicts, Portal.Api/Regressions: the regression rule the SKU pages and the partner home show).
    private static readonly string VerdictChangesSql = $"""
        with recent as (
            select j.id, j.sku_id, j.test_id, coalesce(j.verdict, 'error') as verdict, j.driver_version, j.finished_at
              from jobs j
             where {LatestVerdicts.CountsTowardSku} and j.finished_at > @since)
        select r.id as job_id, r.sku_id, r.test_id, r.verdict, r.driver_version, r.finished_at,
               p.id as previous_job_id, p.verdict as previous_verdict, p.driver_version as previous_driver_version,
               (p.verdict = 'passed' and r.verdict = any(@failing)) as regression
          from recent r
          join lateral (
                select j.id, coalesce(j.verdict, 'error') as verdict, j.driver_version
                  from jobs j
                 where {LatestVerdicts.CountsTowardSku} and j.sku_id = r.sku_id and j.test_id = r.test_id
                   and (j.finished_at, j.id) < (r.finished_at, r.id)
                 order by j.finished_at desc, j.id desc
                 limit 1) p on true
         where p.verdict <> r.verdict
        """;

    private static async Task<List<ChangeEvent>> VerdictChangesAsync(PortalDbContext db, DateTimeOffset since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<VerdictChangeRow>(VerdictChangesSql,
                new NpgsqlParameter("since", since), new NpgsqlParameter("failing", Portal.Api.Regressions.RegressionService.FailingVerdicts))
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ChangeEvent
        {
            Kind = r.Regression ? ChangeKind.Regression : ChangeKind.VerdictChanged,
            Key = $"job:{r.JobId}",
            OccurredAt = r.FinishedAt,
            DetectedAt = now,
            SkuId = r.SkuId,
            TestId = r.TestId,
            JobId = r.JobId,
            PreviousJobId = r.PreviousJobId,
            Verdict = r.Verdict,
            PreviousVerdict = r.PreviousVerdict,
            DriverVersion = r.DriverVersion,
            PreviousDriverVersion = r.PreviousDriverVersion,
        })];
    }

    /// <summary>Milestones overdue today by MilestoneSchedule's one rule; a milestone moved to a later date and slipping again is a new event.</summary>
    private static async Task<List<ChangeEvent>> SlippedMilestonesAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = await db.Milestones.AsNoTracking()
            .Where(MilestoneSchedule.Overdue(today))
            .Select(m => new { m.Id, m.DeploymentId, m.Title, m.Date })
            .ToListAsync(cancellationToken);
        return [.. overdue.Select(m => new ChangeEvent
        {
            Kind = ChangeKind.MilestoneSlipped,
            Key = $"milestone:{m.Id}:{m.Date:yyyy-MM-dd}",
            OccurredAt = now,
            DetectedAt = now,
            DeploymentId = m.DeploymentId,
            MilestoneId = m.Id,
            MilestoneTitle = m.Title,
            MilestoneDate = m.Date,
        })];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.DetectIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var found = await DetectOnceAsync(stoppingToken);
                    if (found > 0)
                        logger.LogInformation("Change detector: {Found} change(s) recorded", found);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or DbUpdateException)
                {
                    logger.LogWarning("Change detection failed ({Message}); trying again at the next tick", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed record VerdictChangeRow(Guid JobId, Guid SkuId, Guid TestId, string Verdict, string? DriverVersion, DateTimeOffset FinishedAt,
        Guid PreviousJobId, string PreviousVerdict, string? PreviousDriverVersion, bool Regression);
}
