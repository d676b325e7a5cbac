using Portal.Contracts.Signing;
using Portal.Contracts.Queue;
using Portal.Kernels.Results;

namespace Portal.Agent.Queue;

/// <summary>
/// Reports a verdict. Completion is idempotent for one lease, so a call that failed on the way (network, 5xx, 429) is
/// simply sent again after a pause; a refusal (409 stale or cancelled, 403, 404) is final. The agent gives up after
/// <see cref="AgentRunOptions.CompletionPatience"/>, when the job is found cancelled, or when the agent must stop: the
/// job then runs again elsewhere once its lease expires, which is what at-least-once delivery promises.
/// Every call also asks for the device's next job, so that a busy queue costs one request per job; a repeat asks too:
/// when the first call's answer was lost after the portal leased a next job with it, the portal hands that same job
/// and lease back, so it does not wait for its lease to expire.
/// </summary>
public sealed class JobCompleter(AgentQueueClient client, AgentRunOptions options, AgentShutdown shutdown, AgentLog log, TimeProvider time)
{
    /// <param name="next">The lease request for the device's next job, or null to ask for none (the agent is stopping).</param>
    /// <returns>The next job the portal leased with the completion, if any.</returns>
    public async Task<JobLease?> CompleteAsync(JobLease lease, KernelResult result, LeaseKeeper keeper, LeaseRequest? next)
    {
        var backoff = new Backoff(options.MaxBackoff);
        result = result.Bounded();
        var signature = Sign(lease, result);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                // Not cancelled by a stop: a result that is on its way is worth the call's own time limit.
                var completed = await client.CompleteAsync(lease.JobId, new JobCompletion(lease.LeaseId, result, next, signature), CancellationToken.None);
                log.Write($"completed job {lease.JobId}: {completed.Verdict ?? completed.Status}");
                return completed.Next;
            }
            catch (Exception e) when (PortalConnection.IsTokenRefused(e))
            {
                shutdown.RefuseToken(PortalConnection.Describe(e));
                return null;
            }
            catch (Exception e) when (PortalConnection.IsPortalFailure(e) && !PortalConnection.IsTransient(e))
            {
                log.Write($"the portal refused the result of job {lease.JobId} ({PortalConnection.Describe(e)}); dropping it");
                return null;
            }
            catch (Exception e) when (PortalConnection.IsTransient(e))
            {
                var wait = backoff.Next(PortalConnection.RetryAfter(e));
                // A lease the keeper found lost may be lost because the call that failed on the way went through (the job is
                // completed): the repeat settles that, with the answer (and next job) or a 409. A cancelled job has no outcome.
                if (keeper.Standing == LeaseStanding.Cancelled || time.GetElapsedTime(started) + wait > options.CompletionPatience
                    || shutdown.Abort.IsCancellationRequested)
                {
                    log.Write($"gave up reporting job {lease.JobId} ({PortalConnection.Describe(e)}); the portal re-runs it when its lease expires");
                    return null;
                }
                log.Write($"could not report job {lease.JobId} ({PortalConnection.Describe(e)}); trying again in {wait.TotalSeconds:0} s");
                await Backoff.WaitAsync(wait, time, shutdown.Abort);
            }
        }
    }

    /// <summary>The agent's signature of the result, bound to the job and the spec it ran; null for an agent without a key.</summary>
    private string? Sign(JobLease lease, KernelResult result)
    {
        if (options.SigningKey is null)
            return null;
        using var key = AgentKey.Import(options.SigningKey);
        return key.Sign(SignedResult.Document(lease.JobId, CanonicalJson.Sha256(lease.Spec), result));
    }
}
