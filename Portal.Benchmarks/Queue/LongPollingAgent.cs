using System.Diagnostics;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// A synthetic agent that waits for work the way a real idle one does: lease calls of up to 30 s, one after the other,
/// completing each job at once. It tells the prober when a job arrived (the moment its lease answer was read) and
/// when it is waiting again.
/// </summary>
public sealed class LongPollingAgent(SyntheticAgent agent)
{
    public const int WaitSeconds = AgentProtocol.MaxWaitSeconds;

    private TaskCompletionSource<(JobLease Lease, long ReceivedAt)> _nextLease = NewSignal<(JobLease, long)>();
    private TaskCompletionSource _waiting = NewSignal();

    public SyntheticAgent Agent => agent;

    /// <summary>The next job this agent receives, with the <see cref="Stopwatch"/> timestamp its lease answer was read at.</summary>
    public Task<(JobLease Lease, long ReceivedAt)> NextLease => Volatile.Read(ref _nextLease).Task;

    /// <summary>Completes once a lease call is on its way and no job is in hand.</summary>
    public Task Waiting => Volatile.Read(ref _waiting).Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                Volatile.Read(ref _waiting).TrySetResult();
                var lease = await agent.LeaseAsync(WaitSeconds, cancellationToken);
                var receivedAt = Stopwatch.GetTimestamp();
                if (lease is null)
                    continue; // the wait ran out: ask again, as an agent does
                Volatile.Write(ref _waiting, NewSignal());
                Interlocked.Exchange(ref _nextLease, NewSignal<(JobLease, long)>()).TrySetResult((lease, receivedAt));
                await agent.CompleteAsync(lease, askNext: false, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the phase is over
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
