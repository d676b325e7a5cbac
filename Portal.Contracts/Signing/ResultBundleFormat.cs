namespace Portal.Contracts.Signing;

/// <summary>
/// An offline agent's signed bundle (written by <c>Portal.Agent suite --offline</c> or <c>exec --offline</c>, uploaded to
/// <c>POST /api/v1/bundles</c>): <c>{"format": "portal-bundle/1", "bundleId", "createdAt", "agentVersion", "engineVersion",
/// "devices": [DeviceReport…], "specs": [{"sha256", "testId"?, "name", "spec"}…], "results": [{"specSha256", "device",
/// "startedAt", "finishedAt", "result"}…], "signature", "signer": {"publicKey", "name"}}</c>, signed as
/// <see cref="AgentKey"/> says: one signature over all of it.
/// </summary>
public static class ResultBundleFormat
{
    public const string Format = "portal-bundle/1";

    /// <summary>What <c>Portal.Agent fetch-suite</c> writes and <c>suite --offline --specs</c> reads: the portal's suite tests.</summary>
    public const string SuiteFormat = "portal-suite/1";

    /// <summary>
    /// A result's device when it ran on none of the host's devices (no device takes the test's language): it is kept in the
    /// bundle, signed with the rest, and the portal records the others and says which it left out and why.
    /// </summary>
    public const string NoDevice = "none";
}
