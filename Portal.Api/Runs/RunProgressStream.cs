using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Portal.Api.Common;
using Portal.Api.Jobs;

namespace Portal.Api.Runs;

/// <summary>
/// A run's progress as it changes, for <c>GET /api/v1/runs/{id}/events</c>: the same "run changed" notifications that
/// the run page listens to (<see cref="JobSignals.RunChanged"/>, PostgreSQL NOTIFY), so a job completed through any
/// replica shows on every replica. Changes that arrive while one is being read lead to one more read, not one per change.
/// </summary>
public static class RunProgressStream
{
    /// <summary>A read now and then even without a notification: a keep-alive for proxies, and a bound if one was missed.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    /// <summary>While the listening connection is being re-opened, notifications are lost: look every second instead.</summary>
    private static readonly TimeSpan Deaf = TimeSpan.FromSeconds(1);

    public static async IAsyncEnumerable<RunProgress> ReadAsync(Guid runId, Caller caller, RunService runs, JobSignals signals,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Hear(Guid run)
        {
            if (run == runId)
                changed.Writer.TryWrite(true);
        }

        // Listening before the first read: a change between the read and the wait is not missed.
        signals.RunChanged += Hear;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await runs.GetProgressAsync(caller, runId, cancellationToken) is not Outcome<RunProgress>.Success read)
                    yield break; // the run is gone (or no longer visible): the stream ends
                yield return read.Value;
                if (read.Value.Status == RunStatus.Completed)
                    yield break;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(signals.Listening ? Idle : Deaf);
                try
                {
                    await changed.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // no change heard in time: read anyway
                }
            }
        }
        finally
        {
            signals.RunChanged -= Hear;
        }
    }
}
