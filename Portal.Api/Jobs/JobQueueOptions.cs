using System.ComponentModel.DataAnnotations;

namespace Portal.Api.Jobs;

/// <summary>The queue's timing (section "Portal:Jobs"), validated at start-up; tests shorten it.</summary>
public sealed class JobQueueOptions
{
    public const string Section = "Portal:Jobs";

    /// <summary>How long a lease lasts without an extension; an agent extends every third of it.</summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Attempts before a job whose leases keep expiring is marked failed.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first wait before a re-queued job is offered again; doubled on each further attempt.</summary>
    [Range(0, 3600)]
    public int RetryBackoffSeconds { get; set; } = 10;

    [Range(0, 86400)]
    public int MaxRetryBackoffSeconds { get; set; } = 600;

    /// <summary>How often the reaper looks for expired leases and due retries.</summary>
    [Range(0.05, 60)]
    public double ReaperIntervalSeconds { get; set; } = 1;

    /// <summary>An agent is online while its last heartbeat is at most this old.</summary>
    [Range(5, 3600)]
    public int OnlineSeconds { get; set; } = 60;

    /// <summary>A job still queued this many hours after its submission is given up (Expired, with the reason).</summary>
    [Range(0.01, 8760)]
    public double MaxQueuedHours { get; set; } = 24;

    /// <summary>Queue the conformance suite for a device seen for the first time or with a new driver (auto-qualification).</summary>
    public bool QualifyNewDevices { get; set; } = true;

    /// <summary>The most completions that go to the database in one statement (<see cref="StatementBatch{TCall,TAnswer}"/>).</summary>
    [Range(1, 1000)]
    public int CompletionBatchMax { get; set; } = 64;

    /// <summary>The most lease calls that go to the database in one round trip and one transaction.</summary>
    [Range(1, 1000)]
    public int LeaseBatchMax { get; set; } = 32;

    /// <summary>
    /// How many lease batches may run at once. One: a lease call that arrives while a batch runs waits for all of it and then
    /// for its own (on 2026-12-06 that made the lease the wait: p99 165 ms with the machine 75 % busy). More: it goes in the
    /// next free one; SKIP LOCKED keeps concurrent batches from granting one job twice.
    /// </summary>
    [Range(1, 64)]
    public int LeaseBatchesInFlight { get; set; } = 2;

    /// <summary>How many completion batches may run at once (each fenced call by call, as alone).</summary>
    [Range(1, 64)]
    public int CompletionBatchesInFlight { get; set; } = 2;

    /// <summary>
    /// How long a batch's first call waits for others to join it. 0: no wait; calls that arrive while a batch runs form
    /// the next one, so batches grow with the load and a call alone goes at once.
    /// </summary>
    [Range(0, 1000)]
    public double BatchGatherMilliseconds { get; set; }

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
    public TimeSpan Online => TimeSpan.FromSeconds(OnlineSeconds);
    public TimeSpan MaxQueued => TimeSpan.FromHours(MaxQueuedHours);
}
