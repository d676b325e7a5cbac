using Portal.Api.Deployments;
using Portal.Api.Runs;
using Portal.Api.Skus;

namespace Portal.Api.Citations;

/// <summary>
/// One result, citable by its stable id (the job's): <c>/results/{id}</c> and <c>GET /api/v1/results/{id}</c>.
/// </summary>
/// <param name="Id">The job's id: it never changes and never names another result.</param>
/// <param name="Verdict">passed, failed, compile_error, …</param>
/// <param name="Provenance">Who measured it, on what, with what.</param>
/// <param name="RunAt">When the agent started the job.</param>
/// <param name="PublishedAt">When the portal recorded the result and it became readable (the agent's completion).</param>
/// <param name="Job">The whole job as the run page shows it: cases, timing, measured rate, suspect flag.</param>
/// <param name="Signed">The agent signed the result with its registered key: <c>GET /api/v1/jobs/{id}/signed-result</c> serves the
/// signed document, which <c>Portal.Agent verify</c> checks.</param>
public sealed record CitedResultDto(
    Guid Id,
    Guid RunId,
    CitedTest Test,
    string Verdict,
    ResultProvenance Provenance,
    DateTimeOffset? RunAt,
    DateTimeOffset? PublishedAt,
    JobDto Job,
    bool Signed = false);

public sealed record CitedTest(Guid Id, string Name, string Op, string Language);

/// <param name="Verified">Run by an agent the consortium operates (DESIGN.md "Verified"); otherwise partner-reported.</param>
/// <param name="Attestation">"verified" or "partner_reported": the same, as a word for CSVs and citations.</param>
/// <param name="Device">The device's name as recorded with the result.</param>
/// <param name="Runtime">The runtime the device reported with the result (e.g. "OpenCL 3.0 PoCL").</param>
public sealed record ResultProvenance(
    ProvenanceAgent? Agent,
    OrganizationRef? Organization,
    string? Device,
    SkuRef? Sku,
    string? Driver,
    string? Runtime,
    string? EngineVersion,
    string? AgentVersion,
    bool Verified,
    string Attestation);
