using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Runs;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Agents;

namespace Portal.Api.Matrix;

/// <summary>The compatibility matrix, for the API, its CSV export and the UI.</summary>
public sealed class MatrixService(PortalDbContext db, NpgsqlDataSource dataSource)
{
    /// <summary>Rows at most; a wider view is a filter away (suite, language, op).</summary>
    public const int MaxTests = 1000;

    /// <summary>Columns of SKUs without a result, at most: those that claim a language of the tests in view.</summary>
    public const int MaxUntestedSkus = 100;

    /// <param name="caller">Null for an anonymous reader: public tests (rows) and public SKUs (columns) only.</param>
    public async Task<Outcome<MatrixDto>> GetAsync(Caller? caller, MatrixQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var filtered = TestCatalogue.Filter(db.CompatibilityTests.AsNoTracking().VisibleTo(caller), query.ToTestQuery(), errors);
        if (errors.Any || filtered is null)
            return errors.ToOutcome<MatrixDto>();

        var tests = await filtered
            .OrderBy(t => t.Suite == null).ThenBy(t => t.Op).ThenBy(t => t.Language).ThenBy(t => t.Name).ThenBy(t => t.Id)
            .Take(MaxTests + 1)
            .Select(t => new
            {
                t.Id, t.Name, t.Op, t.Language, t.Visibility, t.Dtype,
                Organization = t.Organization == null ? null : new OrganizationRef(t.Organization.Id, t.Organization.Name, t.Organization.Country),
                Suite = t.Suite == null ? null : new SuiteRef(t.Suite.Id, t.Suite.Slug, t.Suite.Name),
            })
            .ToListAsync(cancellationToken);
        var truncated = tests.Count > MaxTests;
        if (truncated)
            tests.RemoveAt(tests.Count - 1);

        var latest = await LatestVerdicts.ForTestsAsync(dataSource, tests.Select(t => t.Id).ToArray(), cancellationToken);
        var skuIds = latest.Select(l => l.SkuId).Distinct().ToList();
        // A SKU that claims a language of these tests but has no result yet is a column too, "not tested": a gap shown,
        // not hidden.
        var languages = tests.Select(t => t.Language).Distinct().ToList();
        var untested = await db.HardwareSkus.AsNoTracking().VisibleTo(caller)
            .Where(s => !skuIds.Contains(s.Id) && s.Languages.Any(l => languages.Contains(l)))
            .OrderBy(s => s.Vendor.Name).ThenBy(s => s.Name).ThenBy(s => s.Id)
            .Take(MaxUntestedSkus)
            .Select(s => s.Id)
            .ToListAsync(cancellationToken);
        // Only SKUs the reader may see are columns; a private SKU's verdicts are left out with it.
        var skus = await db.HardwareSkus.AsNoTracking().VisibleTo(caller)
            .Where(s => skuIds.Contains(s.Id) || untested.Contains(s.Id))
            .OrderBy(s => s.Vendor.Name).ThenBy(s => s.Name).ThenBy(s => s.Id)
            .Select(s => new
            {
                Sku = new MatrixSku(s.Id, s.Name, s.Vendor.Name, s.MemoryBandwidthTbs, skuIds.Contains(s.Id)),
                Peaks = new SkuPeaks(s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops),
            })
            .ToListAsync(cancellationToken);
        var peaks = skus.ToDictionary(s => s.Sku.Id, s => s.Peaks);
        var cells = latest.ToLookup(l => l.TestId);

        var rows = tests.Select(t => new MatrixRow(t.Id, t.Name, t.Op, t.Language, t.Visibility, t.Organization, t.Suite,
            cells[t.Id].Where(l => peaks.ContainsKey(l.SkuId)).ToDictionary(l => l.SkuId, l => Cell(t.Op, l, peaks.GetValueOrDefault(l.SkuId))),
            t.Dtype)).ToList();
        return new MatrixDto(rows, [.. skus.Select(s => s.Sku)], truncated);
    }

    /// <summary>A latest verdict as a cell, with its rate in the op's unit (<see cref="MeasuredRates"/>).</summary>
    internal static MatrixCell Cell(string op, LatestVerdicts.Latest l, SkuPeaks? peaks) =>
        new(l.JobId, l.Verdict, l.FinishedAt, l.MedianMs, l.GbPerSecond, MeasuredRates.BandwidthShare(l.GbPerSecond, peaks?.MemoryBandwidthTbs),
            l.Verified, l.Suspect, MeasuredRates.Of(op, l.Dtype, l.GbPerSecond, l.GflopPerSecond, peaks), l.Offline);
}
