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
/// served in the signed document anyone can check with <c>Portal.Agent verify</c>.
/// </summary>
public sealed class ResultSignatures(PortalDbContext db)
{
    /// <summary>Why the completion's signature is refused, or null when it stands (or the agent has no key: it signs nothing).</summary>
    public async Task<string?> ProblemAsync(Guid agentId, Guid jobId, KernelResult result, string? signature, CancellationToken cancellationToken)
    {
        var key = await db.Agents.Where(a => a.Id == agentId).Select(a => a.PublicKey).FirstOrDefaultAsync(cancellationToken);
        if (key is null)
            return null;
        if (signature is null)
            return Localized<AgentText>.Get("SignatureMissing");
        // An unknown job is the queue's to answer (404), not a signature problem.
        if (await SpecTextAsync(jobId, cancellationToken) is not { } spec)
            return null;
        return AgentKey.Verify(key, SignedResult.Document(jobId, CanonicalJson.Sha256(spec), result), signature)
            ? null
            : Localized<AgentText>.Get("SignatureInvalid");
    }

    /// <summary>Keeps the signature of a completion just recorded (a repeat of it leaves the first in place).</summary>
    public Task StoreAsync(Guid jobId, string? signature, CancellationToken cancellationToken) =>
        signature is null
            ? Task.CompletedTask
            : db.Jobs.Where(j => j.Id == jobId && j.ResultSignature == null).ExecuteUpdateAsync(s => s.SetProperty(j => j.ResultSignature, signature),
                cancellationToken);

    /// <summary>
    /// The job's result as its agent signed it, with the signer's key and name, for a caller who may see the job's test.
    /// Not found when the job has no signed result (not finished, unsigned, or private to others).
    /// </summary>
    public async Task<Outcome<JsonObject>> GetAsync(Caller caller, Guid jobId, CancellationToken cancellationToken)
    {
        var visible = db.CompatibilityTests.VisibleTo(caller).Select(t => t.Id);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => (Guid?)s.Id);
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && visible.Contains(j.TestId) && (j.SkuId == null || visibleSkus.Contains(j.SkuId))
                && j.Result != null && j.ResultSignature != null)
            .Select(j => new
            {
                j.Result, j.ResultSignature, j.AgentId, AgentName = j.Agent!.Name, j.Agent.PublicKey, Organization = j.Agent.Organization!.Name,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (job?.PublicKey is null || await SpecTextAsync(jobId, cancellationToken) is not { } spec)
            return new Outcome<JsonObject>.NotFound(Localized<AgentText>.Format("SignedResultNotFound", jobId));
        var document = SignedResult.Document(jobId, CanonicalJson.Sha256(spec), job.Result!);
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
