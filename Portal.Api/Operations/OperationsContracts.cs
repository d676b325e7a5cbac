using Portal.Contracts;

namespace Portal.Api.Operations;

/// <summary>The queue at a glance, for consortium admins (GET /api/v1/operations/queue).</summary>
/// <param name="At">The moment the figures were read; ages are counted from it.</param>
/// <param name="SoonSeconds">A held lease with less than this left is "expiring soon": its agent has missed an extension
/// (an agent extends every third of the lease, so a healthy one always has more).</param>
public sealed record QueueOverviewDto(
    DateTimeOffset At,
    int Queued,
    int Retrying,
    double? OldestQueuedSeconds,
    IReadOnlyList<LanguageDepthDto> Languages,
    IReadOnlyList<SkuDepthDto> Skus,
    int LeasesExpiringSoon,
    int LeasesExpiredNotReaped,
    int SoonSeconds,
    IReadOnlyList<HeldLeaseDto> Leases);

/// <summary>Queued jobs of one kernel language; every language is listed, with zeros when none wait.</summary>
public sealed record LanguageDepthDto(string Language, int Queued, int Retrying, DateTimeOffset? OldestQueuedAt, double? OldestQueuedSeconds);

/// <summary>
/// Queued jobs per device class: a SKU-targeted job counts for its SKU, a device-targeted one for the SKU its device is
/// mapped to; jobs for unmapped devices have no SKU (null id and name).
/// </summary>
public sealed record SkuDepthDto(Guid? SkuId, string? SkuName, int Queued, DateTimeOffset? OldestQueuedAt, double? OldestQueuedSeconds);

/// <summary>A lease that is running out or has run out without the reaper having taken the job back yet.</summary>
public sealed record HeldLeaseDto(Guid JobId, Guid RunId, string TestName, string Language, string? AgentName, string? DeviceName,
    JobStatus Status, int Attempt, int MaxAttempts, DateTimeOffset ExpiresAt, bool Expired);

/// <summary>A job that ended without a verdict (failed: its leases kept expiring; expired: no agent took it in time).</summary>
public sealed record FailedJobDto(Guid JobId, Guid RunId, Guid TestId, string TestName, string Language, string? Target, JobStatus Status,
    int Attempts, int MaxAttempts, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, bool CanRetry);

public sealed record FailedJobQuery(int? Page, int? PageSize);

/// <summary>What a retry did: the job is queued again, with one more attempt than it has used.</summary>
public sealed record RetriedJobDto(Guid JobId, Guid RunId, JobStatus Status, int Attempts, int MaxAttempts, DateTimeOffset QueuedAt);
