namespace Portal.Data.Subscriptions;

/// <summary>What a change event says happened; one text form (snake_case) for C#, SQL, webhooks and feeds.</summary>
public enum ChangeKind
{
    /// <summary>A test's latest counting verdict on a SKU differs from the one before it (and is not a regression).</summary>
    VerdictChanged,

    /// <summary>A test that passed on a SKU now fails there (Portal.Api/Home's failing verdicts).</summary>
    Regression,

    /// <summary>A SKU was added to the registry.</summary>
    NewSku,

    /// <summary>A milestone became overdue (MilestoneSchedule's one meaning of slipped).</summary>
    MilestoneSlipped,
}

public static class ChangeKinds
{
    public const string VerdictChangedName = "verdict_changed";
    public const string RegressionName = "regression";
    public const string NewSkuName = "new_sku";
    public const string MilestoneSlippedName = "milestone_slipped";

    /// <summary>The kind of a test delivery sent by the "Send test event" button; never stored as a change.</summary>
    public const string PingName = "ping";

    public static readonly IReadOnlyList<string> Names = [VerdictChangedName, RegressionName, NewSkuName, MilestoneSlippedName];

    public static string Name(this ChangeKind kind) => kind switch
    {
        ChangeKind.VerdictChanged => VerdictChangedName,
        ChangeKind.Regression => RegressionName,
        ChangeKind.NewSku => NewSkuName,
        ChangeKind.MilestoneSlipped => MilestoneSlippedName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>
/// One change people can hear about, found by the change detector and kept: the Atom feeds read these rows, and
/// webhook deliveries are fanned out from them. <see cref="Key"/> makes detection idempotent (a job, a SKU, a
/// milestone on a date is recorded once however often it is seen). Names are read through the ids when shown, so
/// that who may see them is decided at read time.
/// </summary>
public sealed class ChangeEvent
{
    public long Id { get; set; }
    public ChangeKind Kind { get; set; }
    public required string Key { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset DetectedAt { get; set; }
    public Guid? SkuId { get; set; }
    public Guid? TestId { get; set; }
    public Guid? JobId { get; set; }
    public Guid? PreviousJobId { get; set; }
    public string? Verdict { get; set; }
    public string? PreviousVerdict { get; set; }
    public string? DriverVersion { get; set; }
    public string? PreviousDriverVersion { get; set; }
    public Guid? DeploymentId { get; set; }
    public Guid? MilestoneId { get; set; }
    public string? MilestoneTitle { get; set; }
    public DateOnly? MilestoneDate { get; set; }
}

/// <summary>How far the change detector has read one source (jobs, SKUs); the row is also its lock between replicas.</summary>
public sealed class ChangeWatermark
{
    public required string Source { get; set; }
    public DateTimeOffset Position { get; set; }
}
