using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Data.Jobs;

namespace Portal.Api.Jobs;

/// <summary>
/// Listens on PostgreSQL's NOTIFY channels of the queue on one dedicated connection, so that a job submitted on
/// any replica wakes the lease calls waiting on every replica at once (no polling), and live pages hear of
/// job changes. A lost connection is re-opened; waiters are woken then, in case a notification was missed.
/// </summary>
public sealed class JobSignals(NpgsqlDataSource dataSource, ILogger<JobSignals> logger) : BackgroundService
{
    private TaskCompletionSource _queued = NewSignal();

    /// <summary>Raised with the run id whenever a job of that run changes state (on any replica).</summary>
    public event Action<Guid>? RunChanged;

    /// <summary>
    /// Completes at the next "job queued" notification. Take it before looking for a job, then wait on it: a job
    /// queued between the look and the wait still wakes the caller.
    /// </summary>
    public Task NextQueued => Volatile.Read(ref _queued).Task;

    /// <summary>Whether the listening connection is up (a waiting lease call falls back to its own timeout if not).</summary>
    public bool Listening { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.QueuedChannel}; LISTEN {JobQueue.EventsChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                Listening = true;
                retry = TimeSpan.FromMilliseconds(200);
                WakeQueued(); // anything queued while we were not listening
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                Listening = false;
                logger.LogWarning("Job notifications lost ({Message}); reconnecting in {Delay} ms", e.Message, retry.TotalMilliseconds);
                WakeQueued();
                await Task.Delay(retry, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == JobQueue.QueuedChannel)
            WakeQueued();
        else if (e.Channel == JobQueue.EventsChannel)
        {
            foreach (var run in RunEventBatch.Parse(e.Payload))
                RunChanged?.Invoke(run);
        }
    }

    private void WakeQueued() => Interlocked.Exchange(ref _queued, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
