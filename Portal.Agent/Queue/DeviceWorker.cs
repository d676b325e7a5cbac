using System.ComponentModel;
using System.Text.Json;
using Portal.Agent.Cli;
using Portal.Contracts.Queue;
using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.Results;

namespace Portal.Agent.Queue;

/// <summary>
/// Serves one device: long-polls for a job for it, runs the job in an isolated child while a <see cref="LeaseKeeper"/>
/// holds the lease, and reports the verdict. One job per device at a time, so jobs never share a device and timings
/// stay honest. Failed calls are logged and retried after a pause; nothing the portal or a kernel does ends the loop.
/// </summary>
public sealed class DeviceWorker(
    AcceleratorDevice device,
    DeviceCatalog catalog,
    ChildCommand command,
    AgentQueueClient client,
    AgentRunOptions options,
    AgentShutdown shutdown,
    AgentLog log,
    TimeProvider time)
{
    private static readonly TimeSpan ShortestPoll = TimeSpan.FromSeconds(1);
    private readonly Backoff _backoff = new(options.MaxBackoff);
    private JobLease? _current;

    /// <summary>The job running on the device now, if any (for heartbeats).</summary>
    public Guid? CurrentJob => Volatile.Read(ref _current)?.JobId;

    public async Task RunAsync()
    {
        // The job the portal handed over with the last completion, to run without asking again.
        JobLease? next = null;
        while (!shutdown.Stopping.IsCancellationRequested)
        {
            if (next is not null)
            {
                next = await RunJobAsync(next, handedOver: true);
                continue;
            }
            var asked = time.GetTimestamp();
            JobLease? lease;
            try
            {
                // Cancelled at a stop signal: a job the portal leased in that very moment comes back through the reaper.
                lease = await client.LeaseAsync(new LeaseRequest([device.Id], AgentProtocol.MaxWaitSeconds), shutdown.Stopping);
                _backoff.Reset();
            }
            catch (OperationCanceledException) when (shutdown.Stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (PortalConnection.IsTokenRefused(e))
            {
                shutdown.RefuseToken(PortalConnection.Describe(e));
                break;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e))
            {
                var wait = _backoff.Next(PortalConnection.RetryAfter(e));
                log.Write($"{device.Id}: lease failed ({PortalConnection.Describe(e)}); trying again in {wait.TotalSeconds:0} s");
                await Backoff.WaitAsync(wait, time, shutdown.Stopping);
                continue;
            }
            if (lease is not null)
                next = await RunJobAsync(lease);
            else if (time.GetElapsedTime(asked) < ShortestPoll)
                // A portal that answers "nothing" at once (it is shutting down) must not be polled in a tight loop.
                await Backoff.WaitAsync(ShortestPoll, time, shutdown.Stopping);
        }
        if (next is not null)
            // Handed over with the last completion just as the agent began to stop: another agent runs it.
            await ReleaseAsync(next, "it arrived with the last result as the agent was stopping");
    }

    /// <returns>The next job, when the portal leased one together with this job's completion.</returns>
    /// <param name="handedOver">The job came with the last completion's answer rather than from a lease call.</param>
    private async Task<JobLease?> RunJobAsync(JobLease lease, bool handedOver = false)
    {
        Volatile.Write(ref _current, lease);
        try
        {
            var every = LeaseKeeper.Pace(lease.ExpiresAt, time.GetUtcNow(), options.LeaseLength);
            log.Write($"leased job {lease.JobId} on device {lease.Device} (attempt {lease.Attempt} of {lease.MaxAttempts})"
                      + (handedOver ? ", handed over with the last result" : ""));
            using var run = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Abort);
            await using var keeper = LeaseKeeper.Start(client, lease, every, run, log, shutdown, time);
            var result = await ExecuteAsync(lease, keeper, run.Token);
            if (result is null)
            {
                await keeper.StopAsync();
                await SettleStoppedAsync(lease, keeper);
                return null;
            }
            log.Write($"job {lease.JobId} on device {lease.Device}: {result.Status.Name()} — {result.Message}");
            if (result.Status == KernelStatus.Crashed && shutdown.Stopping.IsCancellationRequested && keeper.Standing == LeaseStanding.Held)
            {
                // Ctrl-C reaches the whole process group, and systemd signals every process of a unit: the kernel most
                // likely died of the agent's own stop signal, which says nothing about the kernel. Another agent runs it.
                await keeper.StopAsync();
                await ReleaseAsync(lease, "its kernel process died as the agent was stopping");
                return null;
            }
            if (keeper.Standing != LeaseStanding.Held)
            {
                // The run ended just as the portal cancelled the job or gave it away: its outcome is no longer ours to report.
                await keeper.StopAsync();
                await SettleStoppedAsync(lease, keeper);
                return null;
            }
            // The keeper goes on extending while the result is offered, so a slow portal does not cost the lease.
            var next = shutdown.Stopping.IsCancellationRequested ? null : new LeaseRequest([device.Id], WaitSeconds: 0);
            return await new JobCompleter(client, options, shutdown, log, time).CompleteAsync(lease, result, keeper, next);
        }
        finally
        {
            Volatile.Write(ref _current, null);
        }
    }

    /// <summary>The verdict, or null when the run was stopped (cancelled, lease lost, or the agent is stopping).</summary>
    private async Task<KernelResult?> ExecuteAsync(JobLease lease, IProgress<JobProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            return await AgentCommands.ExecuteAsync(catalog, command, lease.Spec.GetRawText(), lease.Device, cancellationToken,
                report => log.Write($"job {lease.JobId}: {report}"), progress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Win32Exception or InvalidOperationException or JsonException
                                      or UnauthorizedAccessException)
        {
            // The agent could not start or read the isolated child (disk full, binary gone). Handing the job back would
            // bring it straight back here; a verdict ends it, and says what went wrong.
            return new KernelResult(KernelStatus.Crashed, $"the agent could not run the job: {e.Message}", Device: device.ToDeviceInfo());
        }
    }

    private async Task SettleStoppedAsync(JobLease lease, LeaseKeeper keeper)
    {
        switch (keeper.Standing)
        {
            case LeaseStanding.Cancelled:
                log.Write($"cancelled job {lease.JobId} on device {lease.Device}: the portal cancelled it; not reporting a result");
                return;
            case LeaseStanding.Lost:
                log.Write($"stopped job {lease.JobId} on device {lease.Device}: its lease is no longer ours ({keeper.LostBecause})");
                return;
        }
        if (shutdown.Failure is null)
            await ReleaseAsync(lease, "still running when the drain grace ended");
    }

    /// <summary>Hands the job back unrun, so another agent takes it; a release that fails is settled by the lease's expiry.</summary>
    private async Task ReleaseAsync(JobLease lease, string why)
    {
        try
        {
            await client.ReleaseAsync(lease.JobId, new LeaseRelease(lease.LeaseId, $"the agent is stopping: {why}"), CancellationToken.None);
            log.Write($"released job {lease.JobId} on device {lease.Device}: {why}; it goes back to the queue");
        }
        catch (Exception e) when (PortalConnection.IsPortalFailure(e))
        {
            log.Write($"could not release job {lease.JobId} ({PortalConnection.Describe(e)}); the portal re-queues it when its lease expires");
        }
    }
}
