namespace Portal.Contracts;

/// <summary>
/// Where a job is in its life. Queued → Leased (an agent holds it) → Running (the agent started the kernel)
/// → Completed (a verdict). A lease that expires sends it to Retrying (backoff) and back to Queued, or, after
/// the last attempt, to Failed. Cancelled can happen at any point before an outcome. A job still queued long after its
/// submission (JobQueueOptions.MaxQueuedHours) is Expired: no agent that may run it took it in time.
/// </summary>
public enum JobStatus
{
    Queued,
    Leased,
    Running,
    Retrying,
    Completed,
    Failed,
    Cancelled,
    Expired,
}

public static class JobStatuses
{
    // The names the database stores (snake_case) and the queue's SQL compares with: one vocabulary, held to
    // Name() by a test, so a query cannot drift from the enum.
    public const string QueuedName = "queued";
    public const string LeasedName = "leased";
    public const string RunningName = "running";
    public const string RetryingName = "retrying";
    public const string CompletedName = "completed";
    public const string FailedName = "failed";
    public const string CancelledName = "cancelled";
    public const string ExpiredName = "expired";

    /// <summary>The status as stored and as the agent protocol writes it: queued, leased, …</summary>
    public static string Name(this JobStatus status) => status switch
    {
        JobStatus.Queued => QueuedName,
        JobStatus.Leased => LeasedName,
        JobStatus.Running => RunningName,
        JobStatus.Retrying => RetryingName,
        JobStatus.Completed => CompletedName,
        JobStatus.Failed => FailedName,
        JobStatus.Cancelled => CancelledName,
        JobStatus.Expired => ExpiredName,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>States that are final: nothing changes a job in one of them.</summary>
    public static readonly IReadOnlyList<JobStatus> Final = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Expired];

    public static bool IsFinal(this JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.Expired;
}
