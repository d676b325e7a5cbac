using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Contracts.Signing;

/// <summary>
/// A job's result as its agent signed it: <c>{"format": "portal-result/1", "jobId", "specSha256", "result", "signature",
/// "signer"}</c>. The agent signs it at completion; the portal checks it then, keeps the signature, and serves the same
/// document (<c>GET /api/v1/jobs/{id}/signed-result</c>) for anyone to check with <c>Portal.Agent verify</c>.
/// </summary>
public static class SignedResult
{
    public const string Format = "portal-result/1";

    /// <summary>The document to sign: the result as <see cref="KernelResultJson"/> writes it, bound to its job and spec.</summary>
    public static JsonObject Document(Guid jobId, string specSha256, KernelResult result) => new()
    {
        ["format"] = Format,
        ["jobId"] = jobId.ToString(),
        ["specSha256"] = specSha256,
        ["result"] = JsonSerializer.SerializeToNode(result, KernelResultJson.Options),
    };

    /// <param name="AgentId">The agent's id on the portal (null where unknown).</param>
    public sealed record Signer(string PublicKey, Guid? AgentId = null, string? Name = null, string? Organization = null)
    {
        public JsonObject ToJson() => new()
        {
            ["publicKey"] = PublicKey, ["fingerprint"] = AgentKey.Fingerprint(PublicKey), ["agentId"] = AgentId?.ToString(), ["name"] = Name,
            ["organization"] = Organization,
        };
    }
}
