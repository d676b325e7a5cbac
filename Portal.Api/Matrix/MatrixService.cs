using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Runs;
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

    // The latest completed job per (SKU, test), for the tests in view. EF cannot say DISTINCT ON, nor read into the
    // result document (a jsonb column mapped as text); this can, in one pass over ix_jobs_verdicts read backwards
    // (sku_id, test_id, finished_at all descending), which is why the order is written that way. Only results that count toward
    // their SKU take part (SkuAttribution: a device mapped by hand counts once confirmed). A suspect timing (DESIGN.md
    // "Timings that break physics") keeps its verdict but shows no figures: it is not compared with others.
    private const string LatestVerdictsSql = $"""
        select distinct on (j.sku_id, j.test_id)
               j.sku_id, j.test_id, j.id, coalesce(j.verdict, 'error'), j.finished_at, j.verified,
               case when not j.timing_suspect then j.result -> 'timing' ->> 'medianMs' end,
               case when not j.timing_suspect then j.result -> 'timing' ->> 'gbPerSecond' end, j.timing_suspect
          from jobs j
         where j.status = '{JobStatuses.CompletedName}' and j.sku_id is not null and j.finished_at is not null and j.test_id = any(@tests)
           and {SkuAttribution.JobCountsSql}
         order by j.sku_id desc, j.test_id desc, j.finished_at desc, j.id desc
        """;

    private sealed record Latest(Guid SkuId, Guid TestId, Guid JobId, string Verdict, DateTimeOffset FinishedAt, bool Verified,
        double? MedianMs, double? GbPerSecond, bool Suspect);

    public async Task<Outcome<MatrixDto>> GetAsync(Caller caller, MatrixQuery query, CancellationToken cancellationToken)
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

        var latest = await LatestAsync(tests.Select(t => t.Id).ToArray(), cancellationToken);
        var skuIds = latest.Select(l => l.SkuId).Distinct().ToList();
        // A SKU that claims a language of these tests but has no result yet is a column too, "not tested": a gap shown,
        // not hidden.
        var languages = tests.Select(t => t.Language).Distinct().ToList();
        var untested = await db.HardwareSkus.AsNoTracking()
            .Where(s => !skuIds.Contains(s.Id) && s.Languages.Any(l => languages.Contains(l)))
            .OrderBy(s => s.Vendor.Name).ThenBy(s => s.Name).ThenBy(s => s.Id)
            .Take(MaxUntestedSkus)
            .Select(s => s.Id)
            .ToListAsync(cancellationToken);
        var skus = await db.HardwareSkus.AsNoTracking()
            .Where(s => skuIds.Contains(s.Id) || untested.Contains(s.Id))
            .OrderBy(s => s.Vendor.Name).ThenBy(s => s.Name).ThenBy(s => s.Id)
            .Select(s => new MatrixSku(s.Id, s.Name, s.Vendor.Name, s.MemoryBandwidthTbs, skuIds.Contains(s.Id)))
            .ToListAsync(cancellationToken);
        var peaks = skus.ToDictionary(s => s.Id, s => s.MemoryBandwidthTbs);
        var cells = latest.ToLookup(l => l.TestId);

        var rows = tests.Select(t => new MatrixRow(t.Id, t.Name, t.Op, t.Language, t.Visibility, t.Organization, t.Suite,
            cells[t.Id].ToDictionary(l => l.SkuId, l => new MatrixCell(l.JobId, l.Verdict, l.FinishedAt, l.MedianMs, l.GbPerSecond,
                JobReader.BandwidthShare(l.GbPerSecond, peaks.GetValueOrDefault(l.SkuId)), l.Verified, l.Suspect)), t.Dtype)).ToList();
        return new MatrixDto(rows, skus, truncated);
    }

    private async Task<List<Latest>> LatestAsync(Guid[] testIds, CancellationToken cancellationToken)
    {
        var latest = new List<Latest>();
        if (testIds.Length == 0)
            return latest;
        await using var command = dataSource.CreateCommand(LatestVerdictsSql);
        command.Parameters.Add(new NpgsqlParameter("tests", testIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            latest.Add(new Latest(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5),
                Number(reader.IsDBNull(6) ? null : reader.GetString(6)), Number(reader.IsDBNull(7) ? null : reader.GetString(7)),
                reader.GetBoolean(8)));
        }
        return latest;
    }

    /// <summary>A figure from the result document; a kernel's NaN or ∞ (written as strings) is no figure.</summary>
    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
