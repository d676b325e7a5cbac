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
            await regressions.ForSkusAsync(caller, skuIds, RegressionLimit, cancellationToken));
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

    private static readonly List<string> LanguageNames = [.. KernelLanguages.Names];

    private static int LanguageOrder(string language) => LanguageNames.IndexOf(language) is var i and >= 0 ? i : int.MaxValue;

}
