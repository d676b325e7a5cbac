using Portal.Api.Common;

namespace Portal.Api.Agents.Bundles;

/// <summary><c>POST /api/v1/agents/offline</c>: an admin enrols an air-gapped agent from the one-time code it printed (or its key file).</summary>
public sealed record OfflineEnrolmentInput(Guid? OrganizationId, string? Code);

/// <summary>
/// What an upload recorded: one job per result, in one run, with the bundle's provenance; <c>Skipped</c>, the results it
/// left out because they ran on no device (the host had none for the test's language), each with why.
/// </summary>
public sealed record BundleUploadDto(Guid BundleId, Guid RunId, Guid AgentId, string AgentName, DateTimeOffset RunAt, DateTimeOffset UploadedAt,
    int Results, IReadOnlyList<BundleResultDto> Recorded, IReadOnlyList<BundleSkippedDto> Skipped)
{
    /// <summary>"offline, signed by agent X, run at T, uploaded at U", as the run and result pages show it.</summary>
    public string Provenance => BundleProvenance.Describe(AgentName, RunAt, UploadedAt);
}

public sealed record BundleResultDto(Guid JobId, Guid TestId, string TestName, string Device, string Verdict);

/// <summary>A result of the bundle that was not recorded: the spec's name (or hash) and why, in a sentence.</summary>
public sealed record BundleSkippedDto(string Test, string Reason);

public static class BundleProvenance
{
    public static string Describe(string agentName, DateTimeOffset runAt, DateTimeOffset uploadedAt) =>
        Localized<AgentText>.Format("BundleProvenance", agentName, runAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            uploadedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
}
