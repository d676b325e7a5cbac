using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Matrix;
using Portal.Api.Runs;
using Portal.Data;

namespace Portal.Api.Skus;

/// <summary>
/// Measured next to claimed: pass rates per language from the latest verdicts of the public tests (<see cref="LatestVerdicts"/>,
/// the matrix's own statements), verified kept apart from partner-reported, and a SKU's latest verdicts for its page.
/// </summary>
internal static class SkuMeasurements
{
    /// <summary>Latest verdicts a SKU page lists, newest first; the matrix has them all.</summary>
    public const int MaxVerdicts = 100;

    /// <summary>The measured figures of a page of SKUs, in one statement whatever the page size.</summary>
    /// <param name="claims">Each SKU's id and claimed languages.</param>
    public static async Task<Dictionary<Guid, SkuMeasured>> ForPageAsync(NpgsqlDataSource dataSource,
        IReadOnlyList<(Guid Id, IReadOnlyList<string> Languages)> claims, CancellationToken cancellationToken)
    {
        var counts = (await LatestVerdicts.PassCountsAsync(dataSource, [.. claims.Select(c => c.Id)], cancellationToken)).ToLookup(c => c.SkuId);
        return claims.ToDictionary(c => c.Id, c => Measured(c.Languages, counts[c.Id]));
    }

    /// <summary>Every kernel language, claimed or not, in the usual order: a language the SKU does not claim reads
    /// "not claimed", a claimed one without results "not tested" — never "0 %".</summary>
    public static SkuMeasured Measured(IReadOnlyList<string> claimed, IEnumerable<LatestVerdicts.PassCount> counts)
    {
        var byKey = counts.ToDictionary(c => (c.Language, c.Verified));
        PassRate? Rate(string language, bool verified) =>
            byKey.TryGetValue((language, verified), out var c) ? new PassRate(c.Tested, c.Passed) : null;
        var languages = KernelLanguages.Names.Concat(byKey.Keys.Select(k => k.Language)).Distinct()
            .Select(language => new LanguageMeasured(language, claimed.Contains(language), Rate(language, true), Rate(language, false)))
            .ToList();
        return new SkuMeasured(languages);
    }

    /// <summary>One SKU's measured figures and its latest verdicts (verified and partner-reported apart), from one read.</summary>
    public static async Task<(SkuMeasured Measured, IReadOnlyList<SkuVerdict> Verdicts)> ForSkuAsync(PortalDbContext db,
        NpgsqlDataSource dataSource, Guid skuId, IReadOnlyList<string> claimed, SkuPeaks peaks, CancellationToken cancellationToken)
    {
        var latest = await LatestVerdicts.ForSkusAsync(dataSource, [skuId], cancellationToken);
        var counts = latest.GroupBy(l => (l.Language, l.Verified))
            .Select(g => new LatestVerdicts.PassCount(skuId, g.Key.Language, g.Key.Verified, g.Count(), g.Count(l => l.Verdict == KernelStatuses.PassedName)));
        var shown = latest.OrderByDescending(l => l.FinishedAt).ThenByDescending(l => l.JobId).Take(MaxVerdicts).ToList();
        var testIds = shown.Select(l => l.TestId).Distinct().ToList();
        // A SKU without results (most of a large catalogue) costs no second round trip.
        var tests = testIds.Count == 0
            ? []
            : await db.CompatibilityTests.AsNoTracking().Where(t => testIds.Contains(t.Id))
                .Select(t => new { t.Id, t.Name, t.Op, t.Dtype })
                .ToDictionaryAsync(t => t.Id, cancellationToken);
        var verdicts = shown.Where(l => tests.ContainsKey(l.TestId)).Select(l =>
        {
            var test = tests[l.TestId];
            return new SkuVerdict(l.TestId, test.Name, test.Op, l.Language, test.Dtype, l.JobId, l.Verdict, l.FinishedAt, l.Verified,
                l.MedianMs, MeasuredRates.Of(test.Op, l.Dtype, l.GbPerSecond, l.GflopPerSecond, peaks), l.Suspect);
        }).ToList();
        return (Measured(claimed, counts), verdicts);
    }
}
