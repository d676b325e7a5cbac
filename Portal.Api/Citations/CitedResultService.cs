using Portal.Api.Skus;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Runs;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;

namespace Portal.Api.Citations;

/// <summary>
/// Results as citable records. A result of a test the reader may not see does not exist for them (404, not 403), by the
/// rule that hides the test itself (<see cref="TestAccess"/>).
/// </summary>
public sealed class CitedResultService(PortalDbContext db, IOptions<JobQueueOptions> queueOptions)
{
    public const string VerifiedWord = "verified";
    public const string PartnerReportedWord = "partner_reported";

    /// <param name="caller">Null for a reader who is not signed in: they see results of consortium and built-in tests only.</param>
    public async Task<Outcome<CitedResultDto>> GetAsync(Caller? caller, Guid id, CancellationToken cancellationToken)
    {
        // The one rule of each (TestAccess, SkuAccess): a result of a test or on a SKU the reader may not see does not exist for them.
        var visibleTests = db.CompatibilityTests.VisibleTo(caller);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => (Guid?)s.Id);
        var jobs = db.Jobs.AsNoTracking()
            .Where(j => j.Id == id && j.Status == JobStatus.Completed && j.Verdict != null && visibleTests.Any(t => t.Id == j.TestId)
                && (j.SkuId == null || visibleSkus.Contains(j.SkuId)));
        var read = await jobs.Select(j => new { j.RunId, j.Test!.Name, j.Test.Op, j.Language, Signed = j.ResultSignature != null })
            .FirstOrDefaultAsync(cancellationToken);
        if (read is null)
            return new Outcome<CitedResultDto>.NotFound(Localized<CitationText>.Format("ResultNotFound", id));
        var job = (await JobReader.ReadAsync(db, queueOptions.Value, jobs, cancellationToken)).Single();

        var p = job.Provenance;
        var verified = p?.Verified ?? false;
        var provenance = new ResultProvenance(p?.Agent, p?.Organization, job.Device?.Name ?? job.Result?.Device?.Name, job.Device?.Sku,
            p?.Driver ?? job.Result?.Device?.Driver, job.Result?.Device?.Runtime, p?.EngineVersion, p?.AgentVersion, verified,
            verified ? VerifiedWord : PartnerReportedWord);
        return new CitedResultDto(job.Id, read.RunId, new CitedTest(job.TestId, read.Name, read.Op, read.Language), job.Verdict!,
            provenance, job.StartedAt, job.FinishedAt, job, read.Signed);
    }
}
