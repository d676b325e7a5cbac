using System.Text.Json.Serialization;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data.Agents;
using Portal.Data.Jobs;

namespace Portal.Api.Runs;

/// <summary><c>POST /api/v1/tests/{id}/runs</c>.</summary>
public sealed record RunInput
{
    /// <summary>"sku:&lt;id&gt;" or "device:&lt;id&gt;"; none means every online device that accepts the test's language.</summary>
    public IReadOnlyList<string>? Targets { get; init; }
}

/// <summary>Where a run is: derived from its jobs.</summary>
public enum RunStatus
{
    /// <summary>Every job waits for an agent (queued, or retrying after a lost lease).</summary>
    Queued,

    /// <summary>An agent holds a job, or some jobs are done and others not yet.</summary>
    Running,

    /// <summary>Every job is final: completed, failed, cancelled or expired.</summary>
    Completed,
}

/// <param name="TestId">Null for a suite run (qualification), whose jobs name their tests.</param>
/// <param name="Verdict">Once completed: passed when every job passed, else the worst outcome (see <see cref="RunSummary"/>).</param>
/// <param name="Outcomes">How many final jobs came to each outcome.</param>
/// <param name="CanCancel">Whether the caller may cancel the run's unfinished jobs (the requester, the test's organisation's admins).</param>
public sealed record RunDto(
    Guid Id,
    Guid? TestId,
    string? TestName,
    SuiteRef? Suite,
    RunReason Reason,
    Guid? RequestedByUserId,
    RunStatus Status,
    string? Verdict,
    IReadOnlyDictionary<string, int> Outcomes,
    DateTimeOffset CreatedAt,
    IReadOnlyList<JobDto> Jobs,
    bool CanCancel);

/// <summary>How far a run has come: what <c>GET /api/v1/runs/{id}/events</c> sends each time one of its jobs changes.</summary>
/// <param name="Jobs">The run's jobs the caller may see.</param>
/// <param name="Finished">Of those, the ones with an outcome (completed, failed, cancelled or expired).</param>
/// <param name="Outcomes">Finished jobs by outcome, as in <see cref="RunDto.Outcomes"/>.</param>
public sealed record RunProgress(Guid Id, RunStatus Status, string? Verdict, int Jobs, int Finished, IReadOnlyDictionary<string, int> Outcomes);

public sealed record RunListItem(
    Guid Id,
    RunReason Reason,
    Guid? RequestedByUserId,
    RunStatus Status,
    string? Verdict,
    int Jobs,
    DateTimeOffset CreatedAt);

/// <param name="Device">The device that runs (or ran) the job, or the device it is aimed at; null while a SKU job waits.</param>
/// <param name="Target">"device:&lt;id&gt;" or "sku:&lt;id&gt;", as submitted.</param>
/// <param name="Verdict">The result's status once completed: passed, failed, compile_error, …</param>
/// <param name="Result">The result (DESIGN.md "Result (contract)") as the agent sent it, written with the contract's own JSON.</param>
/// <param name="BandwidthShare">Achieved over peak memory bandwidth: the result's GB/s over the SKU's TB/s × 1000.</param>
/// <param name="WaitingReason">
/// While the job waits (queued or retrying): why no present agent can take it (no online device of its target accepts
/// its language, or none whose agent may run this private test), or null when one can.
/// </param>
/// <param name="Suspect">The timing implies more than the device can do (DESIGN.md "Timings that break physics"): the verdict
/// stands, the timing is left out of every ranking and best-timing view.</param>
/// <param name="SuspectReason">Which figure broke which limit, and where the limit comes from; null unless suspect.</param>
/// <param name="TestName">The test the job runs: in a suite run, what tells its jobs apart (each names its op).</param>
/// <param name="Progress">While the job runs: the case its agent last said it is at (case 3 of 5, timing); null otherwise.</param>
public sealed record JobDto(
    Guid Id,
    Guid TestId,
    JobDeviceDto? Device,
    string Target,
    JobStatus Status,
    int Attempts,
    int MaxAttempts,
    string? Verdict,
    [property: JsonConverter(typeof(KernelResultJsonConverter))] KernelResult? Result,
    string? FailureReason,
    JobProvenanceDto? Provenance,
    double? BandwidthShare,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? WaitingReason = null,
    bool Suspect = false,
    string? SuspectReason = null,
    string? TestName = null,
    JobProgress? Progress = null,
    MeasuredRate? Rate = null);

/// <param name="Id">Null when the device was removed since; its name, as recorded with the result, stays.</param>
/// <param name="Mapping">How the device that produced the result is mapped to <paramref name="Sku"/> now: by pattern, or by hand
/// (<c>manual_unconfirmed</c> results do not count toward the SKU until a consortium admin confirms the mapping).</param>
public sealed record JobDeviceDto(Guid? Id, string Name, SkuRef? Sku, SkuMapping? Mapping);

public sealed record ProvenanceAgent(Guid Id, string Name);

/// <summary>Who measured a result and with what, as recorded when the job completed.</summary>
/// <param name="Verified">Run by an agent of the consortium itself; otherwise partner-reported.</param>
public sealed record JobProvenanceDto(
    ProvenanceAgent? Agent,
    OrganizationRef? Organization,
    string? Driver,
    string? EngineVersion,
    string? AgentVersion,
    bool Verified);
