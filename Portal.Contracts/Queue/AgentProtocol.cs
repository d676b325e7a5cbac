using System.Text.Json;

namespace Portal.Contracts;

// The agent protocol's wire contracts (DESIGN.md "The job queue"), JSON camelCase. They live beside the job spec
// and result contracts because both sides need them: the portal serves them, Portal.Agent sends them, and a
// change that breaks one side breaks the build of the other.

/// <summary><c>POST /api/v1/agents/register</c> with <c>Authorization: Bearer &lt;registration token&gt;</c>.</summary>
/// <param name="PublicKey">The agent's Ed25519 public key (base64 of 32 bytes), made at registration: the portal checks every
/// result the agent signs against it (Signing/AgentKey). Absent from agents older than signing.</param>
public sealed record AgentRegistration(string Name, string? Hostname = null, string? AgentVersion = null, string? EngineVersion = null,
    string? PublicKey = null);

/// <summary>The agent's own token: shown once, kept by the agent, sent as a bearer token on every agent call.</summary>
/// <param name="PortalAgentVersion">The agent version the portal serves at /agent/download (null: it serves none), so that an
/// older agent can say it is outdated.</param>
public sealed record RegisteredAgent(Guid AgentId, Guid OrganizationId, string OrganizationName, string Token, string? PortalAgentVersion = null);

/// <summary>One device as the agent found it (see <c>Portal.Agent devices --json</c>).</summary>
/// <param name="Id">The device's id on its host, e.g. "opencl:0:0".</param>
/// <param name="CopyBandwidthGbPerSecond">GB/s of a device-to-device copy the agent measured once (null: not measured): the
/// portal holds the device's timings against 1.25× it when the device has no SKU datasheet figure.</param>
public sealed record DeviceReport(
    string Id,
    string Name,
    string Vendor,
    string Runtime,
    string RuntimeVersion,
    string DriverVersion,
    IReadOnlyList<string> Languages,
    long MemoryBytes = 0,
    int ComputeUnits = 0,
    double? CopyBandwidthGbPerSecond = null);

/// <summary><c>PUT /api/v1/agent/devices</c>: every device of the host; devices no longer listed are marked absent.</summary>
public sealed record DevicesReport(IReadOnlyList<DeviceReport> Devices, string? Hostname = null, string? AgentVersion = null, string? EngineVersion = null);

/// <summary>How the portal sees a reported device: its id there and the SKU it maps to (null: unmapped).</summary>
public sealed record ReportedDevice(string Id, Guid DeviceId, Guid? SkuId, string? SkuName, bool QualificationQueued);

/// <summary><c>POST /api/v1/agent/lease</c>: which of the agent's devices are free; waits up to WaitSeconds (max 30).</summary>
public sealed record LeaseRequest(IReadOnlyList<string> Devices, int? WaitSeconds = null);

/// <summary>A leased job. <paramref name="LeaseId"/> is the fencing token every later call about the job carries.</summary>
/// <param name="Device">The host-local id of the device the job is for.</param>
/// <param name="Spec">The kernel job spec (DESIGN.md), as a JSON object.</param>
public sealed record JobLease(Guid JobId, Guid LeaseId, DateTimeOffset ExpiresAt, string Device, int Attempt, int MaxAttempts, JsonElement Spec);

/// <summary><c>POST /api/v1/agent/jobs/{id}/extend</c>; <paramref name="Running"/> says the kernel has started.</summary>
/// <param name="Progress">Where the job is now, sent when it moves on (at most once per case, plus once when timing starts);
/// absent from older agents and on the regular extensions in between. Fenced by the lease id like the extension itself.</param>
public sealed record LeaseExtension(Guid LeaseId, bool Running = true, JobProgress? Progress = null);

/// <summary>Where a running job is: checking case <paramref name="Case"/> of <paramref name="Cases"/> (1-based), or timing it.</summary>
/// <param name="Phase"><see cref="Checking"/> or <see cref="Timing"/>.</param>
public sealed record JobProgress(int Case, int Cases, string Phase)
{
    public const string Checking = "checking";
    public const string Timing = "timing";

    /// <summary>Whether it could describe a real run: a known phase and 1 ≤ case ≤ cases ≤ <paramref name="maxCases"/>.</summary>
    public bool IsPlausible(int maxCases) =>
        Phase is Checking or Timing && Case >= 1 && Case <= Cases && Cases <= maxCases;

    /// <summary>The one-line form the isolated child writes to its standard output for the agent: <c>portal-progress 3 5 checking</c>.</summary>
    public string ToLine() => $"{LinePrefix}{Case.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
        $"{Cases.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Phase}";

    public const string LinePrefix = "portal-progress ";

    /// <summary>
    /// A progress line, or null for any other output. The child's standard output also carries what a kernel prints, so a
    /// kernel can forge a line: it is accepted only when plausible for the job (<paramref name="cases"/>); it changes what
    /// the run page shows while the job runs, never the verdict.
    /// </summary>
    public static JobProgress? ParseLine(string? line, int cases)
    {
        if (line is null || !line.StartsWith(LinePrefix, StringComparison.Ordinal))
            return null;
        var parts = line[LinePrefix.Length..].Split(' ');
        if (parts.Length != 3 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var at)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var of))
            return null;
        var progress = new JobProgress(at, of, parts[2]);
        return of == cases && progress.IsPlausible(cases) ? progress : null;
    }
}

/// <summary>The new expiry, and whether the job was cancelled: then the agent stops it and takes the next.</summary>
public sealed record LeaseExtended(DateTimeOffset ExpiresAt, bool Cancel);

/// <summary><c>POST /api/v1/agent/jobs/{id}/complete</c>: idempotent for the same lease id.</summary>
/// <param name="Next">
/// Also asks, in the same call, for the next job for these (now free) devices, as a lease call that does not wait
/// would: one request per job instead of two while work is queued. Null: only the outcome is recorded.
/// </param>
/// <param name="Signature">The agent's Ed25519 signature (base64) of <see cref="Signing.SignedResult.Document"/> for this job, its
/// spec and <paramref name="Result"/>; required from an agent that registered a public key.</param>
public sealed record JobCompletion(Guid LeaseId, KernelResult Result, LeaseRequest? Next = null, string? Signature = null);

/// <summary>The recorded outcome of a job, and the next job when the completion asked for one and one was queued.</summary>
public sealed record JobCompleted(Guid JobId, string Status, string? Verdict, JobLease? Next = null);

/// <summary><c>POST /api/v1/agent/jobs/{id}/release</c>: hands a job back unrun (the agent is stopping), without using up an attempt.</summary>
public sealed record LeaseRelease(Guid LeaseId, string? Reason = null);

/// <summary><c>POST /api/v1/agent/heartbeat</c>: the agent is alive; which jobs it is running right now.</summary>
public sealed record AgentHeartbeat(IReadOnlyList<Guid>? RunningJobs = null);

public static class AgentProtocol
{
    /// <summary>The longest a lease call waits for a job before answering 204 No Content.</summary>
    public const int MaxWaitSeconds = 30;

    /// <summary>Prefixes of the three kinds of secrets, so that a token pasted in the wrong place is named.</summary>
    public const string AgentTokenPrefix = "cpa_";
    public const string RegistrationTokenPrefix = "cpr_";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // A kernel that writes NaN still gets a result, with "NaN" in it (as KernelResultJson writes it).
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
