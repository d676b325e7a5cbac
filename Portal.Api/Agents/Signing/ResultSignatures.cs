using Portal.Api.Skus;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Contracts.Signing;
using Portal.Data;

namespace Portal.Api.Agents.Signing;

/// <summary>
/// The portal's side of signed results: a completion from an agent with a registered key must carry its signature over
/// the result, the job and the job's spec (checked before anything is recorded); the signature is kept with the result and
/// the hash of the spec it covers, and served in the signed document anyone can check with <c>Portal.Agent verify</c>.
/// </summary>
public sealed class ResultSignatures(PortalDbContext db)
{
    /// <summary>What a completion's signature came to: why it is refused (null: it stands, or the agent has no key and signs
    /// nothing), and the hash of the spec it was checked against, kept with it (<see cref="StoreAsync"/>).</summary>
    public sealed record Check(string? Problem, string? SpecSha256);

    /// <summary>Checks the completion's signature over the result, the job and the spec the job runs (its test's, as leased).</summary>
    public async Task<Check> CheckAsync(AgentIdentity agent, Guid jobId, KernelResult result, string? signature, CancellationToken cancellationToken)
    {
        if (agent.PublicKey is not { } key)
            return new Check(null, null);
        if (signature is null)
            return new Check(Localized<AgentText>.Get("SignatureMissing"), null);
        // An unknown job is the queue's to answer (404), not a signature problem.
        if (await SpecTextAsync(jobId, cancellationToken) is not { } spec)
            return new Check(null, null);
        var specSha256 = CanonicalJson.Sha256(spec);
        return AgentKey.Verify(key, SignedResult.Document(jobId, specSha256, result), signature)
            ? new Check(null, specSha256)
            : new Check(Localized<AgentText>.Get("SignatureInvalid"), null);
    }

    /// <summary>
    /// Keeps the signature of a completion just recorded, with the hash of the spec it covers (a repeat of it leaves the first
    /// in place): the signed result is served with that hash, whatever the test's spec becomes later.
    /// </summary>
    public Task StoreAsync(Guid jobId, string? signature, string? specSha256, CancellationToken cancellationToken) =>
        signature is null
            ? Task.CompletedTask
            : db.Jobs.Where(j => j.Id == jobId && j.ResultSignature == null).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.ResultSignature, signature).SetProperty(j => j.SpecSha256, specSha256), cancellationToken);

    /// <summary>
    /// The job's result as its agent signed it, with the signer's key and name, for a caller who may see the job's test.
    /// Not found when the job has no signed result (not finished, unsigned, or private to others).
    /// </summary>
    public async Task<Outcome<JsonObject>> GetAsync(Caller? caller, Guid jobId, CancellationToken cancellationToken)
    {
        var visible = db.CompatibilityTests.VisibleTo(caller).Select(t => t.Id);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => (Guid?)s.Id);
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && visible.Contains(j.TestId) && (j.SkuId == null || visibleSkus.Contains(j.SkuId))
                && j.Result != null && j.ResultSignature != null)
            .Select(j => new
            {
                j.Result, j.ResultSignature, j.SpecSha256, j.AgentId, AgentName = j.Agent!.Name, j.Agent.PublicKey, Organization = j.Agent.Organization!.Name,
            })
            .FirstOrDefaultAsync(cancellationToken);
        // The hash kept at completion is of the spec that ran; a result kept before hashes were stored is read against today's.
        var specSha256 = job?.SpecSha256 ?? (await SpecTextAsync(jobId, cancellationToken) is { } spec ? CanonicalJson.Sha256(spec) : null);
        if (job?.PublicKey is null || specSha256 is null)
            return new Outcome<JsonObject>.NotFound(Localized<AgentText>.Format("SignedResultNotFound", jobId));
        var document = SignedResult.Document(jobId, specSha256, job.Result!);
        document[AgentKey.SignatureMember] = job.ResultSignature;
        document[AgentKey.SignerMember] = new SignedResult.Signer(job.PublicKey, job.AgentId, job.AgentName, job.Organization).ToJson();
        return new Outcome<JsonObject>.Success(document);
    }

    /// <summary>The job's spec as the lease sends it (jsonb text): the one the agent hashed.</summary>
    private async Task<string?> SpecTextAsync(Guid jobId, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<string>($"""
            select t.spec::text as "Value" from jobs j join compatibility_tests t on t.id = j.test_id where j.id = {jobId}
            """).FirstOrDefaultAsync(cancellationToken);
}
