using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Api.Common;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>
/// Re-queues jobs whose lease expired (their agent was killed or lost), with backoff, and fails them with the
/// reason after the last attempt; gives up on jobs still queued past <see cref="JobQueueOptions.MaxQueuedHours"/>
/// (Expired, with the reason). Every replica may run it: each step is an atomic UPDATE.
/// </summary>
public sealed class JobReaper(JobQueue queue, IOptions<JobQueueOptions> options, TimeProvider time, ILogger<JobReaper> logger)
    : BackgroundService
{
    /// <summary>How often the queue is searched for jobs to give up: ages are hours, and the search reads every queued job.</summary>
    private static readonly TimeSpan ExpiryEvery = TimeSpan.FromMinutes(1);

    private long _nextExpiryTicks = DateTimeOffset.MinValue.UtcTicks;

    public async Task<ReapResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var result = await queue.ReapAsync(now, TimeSpan.FromSeconds(settings.RetryBackoffSeconds),
            TimeSpan.FromSeconds(settings.MaxRetryBackoffSeconds), cancellationToken);
        var due = Interlocked.Read(ref _nextExpiryTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextExpiryTicks, (now + ExpiryEvery).UtcTicks, due) != due)
            return result;
        // Stored with the job, in the portal's own language, like the reason of a job whose leases all expired.
        var hours = settings.MaxQueuedHours.ToString("0.##", CultureInfo.CurrentCulture);
        var givenUp = await queue.ExpireQueuedAsync(now, now - settings.MaxQueued, Localized<JobText>.Format("GivenUpNeverTaken", hours),
            Localized<JobText>.Format("GivenUpNeverFinished", hours), cancellationToken);
        return result with { GivenUp = givenUp };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The real clock paces the passes; the pass itself reads the portal's TimeProvider, which tests move.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReaperIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var result = await RunOnceAsync(stoppingToken);
                    if (result.Expired > 0)
                        logger.LogInformation("Reaper: {Expired} lease(s) expired, {Failed} job(s) out of attempts, {Requeued} re-queued",
                            result.Expired, result.Failed, result.Requeued);
                    if (result.GivenUp > 0)
                        logger.LogInformation("Reaper: {GivenUp} job(s) queued longer than {Hours} h given up", result.GivenUp,
                            options.Value.MaxQueuedHours);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Reaper pass failed ({Message}); trying again at the next tick", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
