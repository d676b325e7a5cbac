using Portal.Api.Deployments;
using Portal.Api.Runs;
using Portal.Api.Tests;
using Portal.Data.Compatibility;

namespace Portal.Api.Matrix;

/// <summary>Which tests make the rows; the same filters as the test list.</summary>
public sealed record MatrixQuery
{
    /// <summary>A suite's slug, e.g. conformance-v1.</summary>
    public string? Suite { get; init; }

    /// <summary>opencl-c, cuda-c or triton.</summary>
    public string? Language { get; init; }

    /// <summary>An op of the catalog, e.g. vector_add.</summary>
    public string? Op { get; init; }

    /// <summary>A storage dtype (f32, f16, bf16, fp8e4m3, fp8e5m2): a test's is its spec's dtype, f32 when absent.</summary>
    public string? Dtype { get; init; }
    public string? Tag { get; init; }

    /// <summary>Searches the tests' names and descriptions.</summary>
    public string? Q { get; init; }

    /// <summary>The owner organisation's id.</summary>
    public Guid? OrganizationId { get; init; }

    internal TestQuery ToTestQuery() => new() { Suite = Suite, Language = Language, Op = Op, Dtype = Dtype, Tag = Tag, Q = Q, OrganizationId = OrganizationId };
}

/// <summary>
/// Tests × hardware SKUs. Rows are the visible tests that match; columns the SKUs with at least one completed job of
/// those tests (jobs whose device maps to no SKU are left out), then SKUs that claim a language of those tests and have no
/// result yet (<see cref="MatrixSku.Tested"/> false, at most <see cref="MatrixService.MaxUntestedSkus"/>); a cell is the
/// latest completed verdict.
/// </summary>
/// <param name="Truncated">More tests matched than <see cref="MatrixService.MaxTests"/>: narrow the filter.</param>
public sealed record MatrixDto(IReadOnlyList<MatrixRow> Tests, IReadOnlyList<MatrixSku> Skus, bool Truncated);

/// <param name="Cells">By SKU id; a SKU without a result for this test has no entry.</param>
public sealed record MatrixRow(
    Guid Id,
    string Name,
    string Op,
    string Language,
    TestVisibility Visibility,
    OrganizationRef? Organization,
    SuiteRef? Suite,
    IReadOnlyDictionary<Guid, MatrixCell> Cells,
    string Dtype = "f32");

/// <param name="Tested">Whether any test in view has a result on it; false: a column of "not tested".</param>
public sealed record MatrixSku(Guid Id, string Name, string VendorName, double? MemoryBandwidthTbs, bool Tested = true);

/// <param name="JobId">The job whose result this is.</param>
/// <param name="BandwidthShare">Achieved GB/s over the SKU's peak memory bandwidth.</param>
/// <param name="Rate">The figure the timing is judged by: GFLOP/s for a compute-bound op, GB/s otherwise, with its share of the datasheet peak.</param>
/// <param name="Verified">Run by a consortium agent; otherwise partner-reported.</param>
/// <param name="Offline">Run air-gapped and uploaded in a signed bundle (its job page gives the provenance).</param>
/// <param name="Suspect">The timing implies more than the device can do (the job page says why): the verdict stands, the
/// timing figures are left out.</param>
public sealed record MatrixCell(
    Guid JobId,
    string Verdict,
    DateTimeOffset FinishedAt,
    double? MedianMs,
    double? GbPerSecond,
    double? BandwidthShare,
    bool Verified,
    bool Suspect = false,
    MeasuredRate? Rate = null,
    bool Offline = false);
