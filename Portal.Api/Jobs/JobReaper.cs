using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>
/// Re-queues jobs whose lease expired (their agent was killed or lost), with backoff, and fails them with the
/// reason after the last attempt. Every replica may run it: each pass is a pair of atomic UPDATEs.
/// </summary>
public sealed class JobReaper(JobQueue queue, IOptions<JobQueueOptions> options, TimeProvider time, ILogger<JobReaper> logger)
    : BackgroundService
{
    public Task<ReapResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return queue.ReapAsync(time.GetUtcNow(), TimeSpan.FromSeconds(settings.RetryBackoffSeconds),
            TimeSpan.FromSeconds(settings.MaxRetryBackoffSeconds), cancellationToken);
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
