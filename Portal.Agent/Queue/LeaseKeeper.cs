using Portal.Contracts.Queue;

namespace Portal.Agent.Queue;

/// <summary>Where a held job's lease stands, as the extensions found it.</summary>
public enum LeaseStanding
{
    /// <summary>Still ours (or the portal could not be asked lately).</summary>
    Held,
    /// <summary>The job was cancelled: stop it and do not complete it.</summary>
    Cancelled,
    /// <summary>The portal no longer counts this lease (it expired and the job went to another agent, or it was never ours).</summary>
    Lost,
}

/// <summary>
/// Extends one job's lease while it runs: the first call right away (it also tells the portal the kernel started),
/// then every third of the lease, so two calls can fail before the lease runs out. The portal's answer is how the
/// agent learns of cancellation; then, or when the lease is lost, the keeper stops the run. Progress the run reports
/// (<see cref="Report"/>) is sent with an extension made at once, so the portal writes at most one progress per step; steps
/// that come faster than a call takes are folded into the next call.
/// </summary>
public sealed class LeaseKeeper : IAsyncDisposable, IProgress<JobProgress>
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private JobProgress? _progress;

    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);
    private readonly AgentQueueClient _client;
    private readonly JobLease _lease;
    private readonly CancellationTokenSource _run;
    private readonly AgentLog _log;
    private readonly AgentShutdown _shutdown;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LeaseKeeper(AgentQueueClient client, JobLease lease, TimeSpan every, CancellationTokenSource run, AgentLog log, AgentShutdown shutdown,
        TimeProvider time)
    {
        (_client, _lease, _run, _log, _shutdown, _time) = (client, lease, run, log, shutdown, time);
        Every = every;
        _loop = KeepAsync();
    }

    /// <summary>Starts extending; <paramref name="run"/> is cancelled when the job must stop.</summary>
    public static LeaseKeeper Start(AgentQueueClient client, JobLease lease, TimeSpan every, CancellationTokenSource run, AgentLog log,
        AgentShutdown shutdown, TimeProvider time) =>
        new(client, lease, every, run, log, shutdown, time);

    /// <summary>
    /// A third of the lease the portal granted (its expiry less the time it arrived), capped by the agent's own
    /// <paramref name="assumedLease"/>; at least a second. A clock far off the portal's falls back on the assumption.
    /// </summary>
    public static TimeSpan Pace(DateTimeOffset expiresAt, DateTimeOffset receivedAt, TimeSpan? assumedLease)
    {
        var granted = expiresAt - receivedAt;
        var lease = granted <= TimeSpan.Zero ? assumedLease ?? TimeSpan.FromSeconds(60)
            : assumedLease is { } cap && cap < granted ? cap : granted;
        var every = lease / 3;
        return every < Shortest ? Shortest : every;
    }

    public TimeSpan Every { get; }

    /// <summary>Read after <see cref="StopAsync"/>, or once the run was cancelled (the keeper sets it first).</summary>
    public LeaseStanding Standing { get; private set; } = LeaseStanding.Held;

    /// <summary>What the portal said when the lease was lost.</summary>
    public string? LostBecause { get; private set; }

    /// <summary>Sends <paramref name="value"/> with an extension now, instead of waiting for the next regular one.</summary>
    public void Report(JobProgress value)
    {
        Volatile.Write(ref _progress, value);
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending: that call sends the latest progress.
        }
        catch (ObjectDisposedException)
        {
            // The job is over: a step the child printed last is of no use any more.
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task KeepAsync()
    {
        await Task.Yield();
        var token = _stop.Token;
        do
        {
            try
            {
                var progress = Interlocked.Exchange(ref _progress, null);
                var extended = await _client.ExtendAsync(_lease.JobId, new LeaseExtension(_lease.LeaseId, Running: true, progress), token);
                if (extended.Cancel)
                {
                    Stop(LeaseStanding.Cancelled, null);
                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PortalConnection.IsTokenRefused(e))
            {
                _shutdown.RefuseToken(PortalConnection.Describe(e));
                Stop(LeaseStanding.Lost, PortalConnection.Describe(e));
                return;
            }
            catch (PortalProblemException e) when (!e.Problem.IsTransient)
            {
                // 409 stale, 403 not ours, 404 gone: someone else owns the outcome now.
                Stop(LeaseStanding.Lost, e.Problem.Describe());
                return;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e))
            {
                _log.Write($"job {_lease.JobId}: could not extend its lease ({PortalConnection.Describe(e)}); trying again in {Every.TotalSeconds:0} s");
            }
        }
        while (await WaitAsync(token));
    }

    /// <summary>Until the next regular extension or a reported step, whichever comes first; false once stopped.</summary>
    private async Task<bool> WaitAsync(CancellationToken token)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token);
        var woken = _wake.WaitAsync(either.Token);
        var regular = Backoff.WaitAsync(Every, _time, either.Token);
        await Task.WhenAny(woken, regular);
        await either.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
            // the regular time came first
        }
        await regular;
        return !token.IsCancellationRequested;
    }

    private void Stop(LeaseStanding standing, string? because)
    {
        Standing = standing;
        LostBecause = because;
        _run.Cancel();
    }
}
