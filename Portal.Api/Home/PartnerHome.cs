using Portal.Api.Deployments;
using Portal.Api.Skus;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Matrix;
using Portal.Api.Tests;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Contracts;

namespace Portal.Api.Home;

public sealed partial class HomeService
{
    public const int PartnerSkuLimit = 50;
    public const int RegressionLimit = 20;

    /// <summary>Verdicts that say the kernel did not work on the hardware; unsupported and invalid_spec say nothing about it.</summary>
    private static readonly string[] FailingVerdicts =
        [.. new[] { KernelStatus.Failed, KernelStatus.CompileError, KernelStatus.RuntimeError, KernelStatus.Timeout, KernelStatus.Crashed }.Select(s => s.Name())];

    private async Task<PartnerHomeDto> PartnerAsync(Caller caller, List<HomeOrganizationDto> organizations, CancellationToken cancellationToken)
    {
        var vendorIds = organizations.Select(o => o.Id).ToList();
        var skus = db.HardwareSkus.AsNoTracking().VisibleTo(caller).Where(s => vendorIds.Contains(s.VendorId));
        var total = await skus.CountAsync(cancellationToken);
        var page = await skus
            .OrderBy(s => s.Name).ThenBy(s => s.Id)
            .Take(PartnerSkuLimit)
            .Select(s => new { s.Id, s.Name, VendorName = s.Vendor.Name, s.Category, s.Lifecycle })
            .ToListAsync(cancellationToken);
        var skuIds = page.Select(s => s.Id).ToArray();

        var visibleDeployments = db.Deployments.VisibleTo(caller).Select(d => d.Id);
        var uses = (await db.HardwareLines.AsNoTracking()
                .Where(l => skuIds.Contains(l.SkuId) && visibleDeployments.Contains(l.DeploymentId))
                .Select(l => new
                {
                    l.SkuId,
                    Use = new SkuDeploymentDto(l.DeploymentId, l.Deployment.Name, l.Deployment.Country, l.Deployment.Status, l.PlannedUnits, l.InstalledUnits),
                })
                .ToListAsync(cancellationToken))
            .ToLookup(u => u.SkuId, u => u.Use);
        var rates = await RatesAsync(skuIds, cancellationToken);

        return new PartnerHomeDto(
            organizations,
            total,
            [.. page.Select(s => new PartnerSkuDto(s.Id, s.Name, s.VendorName, s.Category, s.Lifecycle, rates[s.Id].ToList(),
                [.. uses[s.Id].OrderByDescending(u => u.PlannedUnits).ThenBy(u => u.DeploymentName, StringComparer.Ordinal)]))],
            await RegressionsAsync(caller, skuIds, cancellationToken));
    }

    /// <summary>Per SKU and suite language, the pass rate among verified results and among partner-reported ones, apart.</summary>
    private async Task<ILookup<Guid, SkuLanguageRateDto>> RatesAsync(Guid[] skuIds, CancellationToken cancellationToken)
    {
        var suite = await db.CompatibilityTests.AsNoTracking()
            .Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug)
            .Select(t => new { t.Id, t.Language })
            .ToListAsync(cancellationToken);
        if (skuIds.Length == 0 || suite.Count == 0)
            return Array.Empty<SkuLanguageRateDto>().ToLookup(_ => Guid.Empty);
        var languageOf = suite.ToDictionary(t => t.Id, t => t.Language);
        var suiteTests = suite.GroupBy(t => t.Language).ToDictionary(g => g.Key, g => g.Count());

        // The newest counting result per (SKU, public test, verified or not), as the catalogue's measured column reads it;
        // the suite's tests are consortium-wide, so none is left out.
        var latest = (await LatestVerdicts.ForSkusAsync(dataSource, skuIds, cancellationToken))
            .Where(r => languageOf.ContainsKey(r.TestId))
            .ToList();

        LanguageRateDto? Rate(IEnumerable<LatestVerdicts.Latest> results, string language)
        {
            var list = results.ToList();
            if (list.Count == 0)
                return null;
            var passed = list.Count(r => r.Verdict == KernelStatuses.PassedName);
            return new LanguageRateDto(list.Count, passed, (double)passed / suiteTests[language]);
        }

        return latest
            .GroupBy(r => (r.SkuId, Language: languageOf[r.TestId]))
            .OrderBy(g => LanguageOrder(g.Key.Language))
            .ThenBy(g => g.Key.Language, StringComparer.Ordinal)
            .Select(g => (g.Key.SkuId, Rate: new SkuLanguageRateDto(g.Key.Language, suiteTests[g.Key.Language],
                Rate(g.Where(r => r.Verified), g.Key.Language), Rate(g.Where(r => !r.Verified), g.Key.Language))))
            .ToLookup(r => r.SkuId, r => r.Rate);
    }

    /// <summary>
    /// Tests the caller may see whose latest counting result on one of the SKUs fails after an earlier one passed there,
    /// the newest failure first. Raw SQL: DISTINCT ON for the latest result and a LATERAL join for the pass before it.
    /// </summary>
    private async Task<IReadOnlyList<RegressionDto>> RegressionsAsync(Caller caller, Guid[] skuIds, CancellationToken cancellationToken)
    {
        if (skuIds.Length == 0)
            return [];
        var sql = $"""
            with latest as (
                select distinct on (j.sku_id, j.test_id) j.id, j.sku_id, j.test_id, j.verdict, j.driver_version, j.verified, j.finished_at
                  from jobs j
                 where j.status = '{JobStatuses.CompletedName}' and j.sku_id = any(@skus) and {SkuAttribution.JobCountsSql}
                 order by j.sku_id, j.test_id, j.finished_at desc, j.id desc)
            select l.id as failed_job_id, l.sku_id, l.test_id, l.verdict, l.driver_version as failed_driver, l.verified as failed_verified,
                   l.finished_at as failed_at, p.id as passed_job_id, p.driver_version as passed_driver, p.finished_at as passed_at
              from latest l
              join lateral (
                    select j.id, j.driver_version, j.finished_at
                      from jobs j
                     where j.status = '{JobStatuses.CompletedName}' and j.sku_id = l.sku_id and j.test_id = l.test_id
                       and j.verdict = '{KernelStatuses.PassedName}' and j.finished_at < l.finished_at and {SkuAttribution.JobCountsSql}
                     order by j.finished_at desc, j.id desc
                     limit 1) p on true
             where l.verdict = any(@failing)
             order by l.finished_at desc, l.id desc
            """;
        var found = await db.Database.SqlQueryRaw<RegressionRow>(sql,
                new NpgsqlParameter("skus", skuIds), new NpgsqlParameter("failing", FailingVerdicts))
            .ToListAsync(cancellationToken);
        if (found.Count == 0)
            return [];

        // Another organisation's private test stays out of sight, as everywhere else (TestAccess).
        var testIds = found.Select(r => r.TestId).Distinct().ToList();
        var tests = await db.CompatibilityTests.AsNoTracking().VisibleTo(caller)
            .Where(t => testIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Name, t.Language })
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var foundSkus = found.Select(r => r.SkuId).Distinct().ToList();
        var skuNames = await db.HardwareSkus.AsNoTracking().Where(s => foundSkus.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. found.Where(r => tests.ContainsKey(r.TestId)).Take(RegressionLimit)
            .Select(r => new RegressionDto(r.SkuId, skuNames[r.SkuId], r.TestId, tests[r.TestId].Name, tests[r.TestId].Language, r.Verdict,
                r.FailedJobId, r.FailedAt, Blank(r.FailedDriver), r.FailedVerified, r.PassedJobId, r.PassedAt, Blank(r.PassedDriver)))];
    }

    private static readonly List<string> LanguageNames = [.. KernelLanguages.Names];

    private static int LanguageOrder(string language) => LanguageNames.IndexOf(language) is var i and >= 0 ? i : int.MaxValue;

    private static string? Blank(string? driver) => string.IsNullOrWhiteSpace(driver) ? null : driver;


    private sealed record RegressionRow(Guid FailedJobId, Guid SkuId, Guid TestId, string Verdict, string? FailedDriver, bool FailedVerified,
        DateTimeOffset FailedAt, Guid PassedJobId, string? PassedDriver, DateTimeOffset PassedAt);
}
