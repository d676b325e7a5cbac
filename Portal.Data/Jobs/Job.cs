using Portal.Data.Agents;
using Portal.Data.Compatibility;

namespace Portal.Data.Jobs;

/// <summary>Why a run exists: a person (or script) asked, or a device needed its conformance profile.</summary>
public enum RunReason
{
    Submitted,
    Qualification,
}

/// <summary>One request to run a test (or the conformance suite) on a set of targets: one job per target.</summary>
public sealed class TestRun
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The test run, or null for a suite run (qualification), whose jobs name their tests.</summary>
    public Guid? TestId { get; set; }
    public CompatibilityTest? Test { get; set; }
    public Guid? SuiteId { get; set; }
    public TestSuite? Suite { get; set; }
    public Guid? RequestedByUserId { get; set; }
    public RunReason Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<Job> Jobs { get; set; } = [];
}

/// <summary>
/// One test on one target. The target is a device (exactly that one runs it) or a SKU (any device mapped to the
/// SKU may). The lease id is the fencing token: only the agent holding the current lease id may complete it.
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RunId { get; set; }
    public TestRun? Run { get; set; }
    public Guid TestId { get; set; }
    public CompatibilityTest? Test { get; set; }
    public required string Language { get; set; }
    public Guid? TargetDeviceId { get; set; }
    public Guid? TargetSkuId { get; set; }
    public JobStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The job's turn within its target (its pool): leases take the lowest first, then the oldest. Each organisation's jobs
    /// get consecutive ranks that start no earlier than the pool's head (<see cref="JobFairShare"/>), so organisations
    /// take turns instead of the one with the most queued going first.
    /// </summary>
    public long FairRank { get; set; }

    /// <summary>When a Retrying job goes back to the queue.</summary>
    public DateTimeOffset? RetryAt { get; set; }
    public Guid? LeaseId { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset? LeasedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public bool CancelRequested { get; set; }

    /// <summary>The agent and device that hold (or last held) the job.</summary>
    public Guid? AgentId { get; set; }
    public Agent? Agent { get; set; }
    public Guid? DeviceId { get; set; }
    public AgentDevice? Device { get; set; }

    /// <summary>Every agent that ever held a lease on the job: a stale lease of one of them is a 409, anyone else a 403.</summary>
    public List<Guid> LeaseHolders { get; set; } = [];

    /// <summary>The result's status (passed, failed, compile_error, …) once completed.</summary>
    public string? Verdict { get; set; }

    /// <summary>The result document (DESIGN.md "Result (contract)") as the agent sent it.</summary>
    public KernelResult? Result { get; set; }

    /// <summary>Where the job was at its agent's last report while it ran (case 3 of 5, timing); null before the first and from older agents.</summary>
    public JobProgress? Progress { get; set; }

    /// <summary>Why the job has no verdict: the attempts ran out, it was cancelled, or no agent took it in time.</summary>
    public string? FailureReason { get; set; }

    // Provenance, copied at completion so that later changes to the agent or device do not rewrite history.
    public Guid? AgentOrganizationId { get; set; }
    public Guid? SkuId { get; set; }
    public string? DeviceName { get; set; }
    public string? DriverVersion { get; set; }
    public string? AgentVersion { get; set; }
    public string? EngineVersion { get; set; }

    /// <summary>Run by an agent of the consortium itself (DESIGN.md "Verified"), not partner-reported.</summary>
    public bool Verified { get; set; }

    /// <summary>
    /// The timing implies more than the device can do (DESIGN.md "Timings that break physics"): decided when the result is
    /// recorded, against the figures known then. The verdict stands; the timing is left out of every ranking and best-timing view.
    /// </summary>
    public bool TimingSuspect { get; set; }

    /// <summary>Which figure of the timing broke its limit, when <see cref="TimingSuspect"/>.</summary>
    public TimingFigure? SuspectFigure { get; set; }

    /// <summary>The limit it broke, in that figure's unit (GB/s or GFLOP/s).</summary>
    public double? SuspectLimit { get; set; }

    public TimingLimitSource? SuspectLimitSource { get; set; }

    /// <summary>The agent's Ed25519 signature (base64) of the result, bound to the job and its spec (Portal.Contracts.Signing).</summary>
    public string? ResultSignature { get; set; }

    /// <summary>
    /// The SHA-256 of the spec (canonical JSON) the signature was checked against when the result was recorded: what the agent
    /// ran. The signed result is served with it, so editing the test later does not break the verification of this result.
    /// </summary>
    public string? SpecSha256 { get; set; }

    /// <summary>The signed bundle an offline agent's result came in (provenance "offline"); null for a result reported online.</summary>
    public Guid? BundleId { get; set; }
    public ResultBundle? Bundle { get; set; }
}

/// <summary>
/// A signed bundle of results an offline agent ran air-gapped and someone uploaded: recorded once (its id is the key, so an
/// upload repeated answers what the first recorded), with when it was run and uploaded and by whom.
/// </summary>
public sealed class ResultBundle
{
    /// <summary>The bundle's own id, chosen by the agent when it wrote the bundle.</summary>
    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public Agent? Agent { get; set; }
    public Guid RunId { get; set; }
    public DateTimeOffset RunAt { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public Guid? UploadedByUserId { get; set; }
    public int Results { get; set; }
    public required string Signature { get; set; }
    public required string EngineVersion { get; set; }
}

/// <summary>The rates of a result's timing (DESIGN.md "Result (contract)") that are held against the device's limits.</summary>
public enum TimingFigure
{
    GbPerSecond,
    GflopPerSecond,
}

/// <summary>
/// Where a timing limit comes from: the mapped SKU's datasheet (its memory bandwidth, or its highest FLOP rate), the
/// datasheet's FLOP rate for the timing's dtype (BF16, FP8), else 1.25× the copy bandwidth the agent measured.
/// </summary>
public enum TimingLimitSource
{
    Datasheet,
    CopyBandwidth,
    DatasheetBf16,
    DatasheetFp8,
}

/// <summary>
/// How far one organisation's jobs in one pool (a target device or SKU) have been ranked: its next submission there starts
/// after <see cref="LastRank"/>, or at the pool's head if that is later (start-time fair queueing, with the head as the
/// pool's virtual clock). Written at submission only; the lease never touches it.
/// </summary>
public sealed class JobFairShare
{
    /// <summary>The target device's or SKU's id.</summary>
    public Guid PoolId { get; set; }

    /// <summary>The test's organisation (<see cref="Guid.Empty"/> for tests of none, such as the conformance suite).</summary>
    public Guid OrganizationId { get; set; }

    public long LastRank { get; set; }

    /// <summary>How many ranks the last submission took (the upsert needs it to place the next one).</summary>
    public int Granted { get; set; }
}
