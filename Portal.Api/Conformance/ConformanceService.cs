using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Api.Runs;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Skus;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;

namespace Portal.Api.Conformance;

/// <summary>
/// What the conformance suite says about hardware: a SKU's or a device's profile (latest verdict per suite test, by
/// language, op and driver version) and how much of a deployment's planned accelerators is proven compatible.
/// Suite tests are public, so anyone may read the profile of a SKU or deployment they may read (SkuAccess, DeploymentAccess).
/// </summary>
public sealed class ConformanceService(PortalDbContext db)
{
    private const string Passed = KernelStatuses.PassedName;

    /// <param name="reader">Null for an anonymous reader; a SKU they may not read is not found.</param>
    public async Task<Outcome<ConformanceProfileDto>> SkuProfileAsync(Caller? reader, Guid skuId, CancellationToken cancellationToken)
    {
        if (!await db.HardwareSkus.VisibleTo(reader).AnyAsync(s => s.Id == skuId, cancellationToken))
            return new Outcome<ConformanceProfileDto>.NotFound(Localized<ConformanceText>.Format("SkuNotFound", skuId));
        return await ProfileAsync(Subject.Sku, skuId, cancellationToken);
    }

    public async Task<Outcome<DeviceConformanceDto>> DeviceProfileAsync(Guid agentId, Guid deviceId, CancellationToken cancellationToken)
    {
        var device = await db.AgentDevices.AsNoTracking()
            .Where(d => d.Id == deviceId && d.AgentId == agentId)
            .Select(d => new
            {
                AgentName = d.Agent!.Name, OrganizationName = d.Agent.Organization!.Name, d.Name, d.Runtime, d.DriverVersion, d.SkuId, d.Languages,
                SkuName = d.Sku == null ? null : d.Sku.Name, d.SkuSetByHand, d.SkuConfirmedAt, d.SkuConfirmedByUserId,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (device is null)
            return new Outcome<DeviceConformanceDto>.NotFound(Localized<ConformanceText>.Format("DeviceNotFound", agentId, deviceId));
        // A device is profiled in the languages it accepts: a CPU is not "0 of 11" in CUDA C, it is not a CUDA device.
        var profile = await ProfileAsync(Subject.Device, deviceId, cancellationToken, device.Languages);
        return new DeviceConformanceDto(agentId, device.AgentName, device.OrganizationName, deviceId, device.Name, device.Runtime,
            device.DriverVersion, device.SkuId, device.SkuName,
            device.SkuId is null ? null : SkuAttribution.MappingOf(device.SkuSetByHand, device.SkuConfirmedAt, device.SkuConfirmedByUserId), profile);
    }

    /// <param name="reader">Null for an anonymous reader: a deployment they may not read is not found, SKUs they may not read are left out.</param>
    public async Task<Outcome<DeploymentCoverageDto>> DeploymentCoverageAsync(Caller? reader, Guid deploymentId, CancellationToken cancellationToken)
    {
        if (!await db.Deployments.VisibleTo(reader).AnyAsync(d => d.Id == deploymentId, cancellationToken))
            return new Outcome<DeploymentCoverageDto>.NotFound(Localized<ConformanceText>.Format("DeploymentNotFound", deploymentId));
        var accelerators = SkuCategories.Accelerators.ToList();
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        var lines = await db.HardwareLines.AsNoTracking()
            .Where(l => l.DeploymentId == deploymentId && accelerators.Contains(l.Sku.Category) && visibleSkus.Contains(l.SkuId))
            .OrderBy(l => l.Sku.Vendor.Name).ThenBy(l => l.Sku.Name)
            .Select(l => new { l.SkuId, l.Sku.Name, VendorName = l.Sku.Vendor.Name, l.PlannedUnits })
            .ToListAsync(cancellationToken);
        var suite = await SuiteAsync(cancellationToken);
        var latest = await LatestAsync(Subject.Sku, [.. lines.Select(l => l.SkuId).Distinct()], suite, perDriver: false, cancellationToken);
        var passed = latest.Where(r => r.Verdict == Passed).Select(r => (r.Subject, r.TestId)).ToHashSet();

        var skus = lines.Select(l => new SkuCoverageDto(l.SkuId, l.Name, l.VendorName, l.PlannedUnits,
                [.. suite.Languages.Where(language => suite.In(language).All(t => passed.Contains((l.SkuId, t.Id))))]))
            .ToList();
        var total = lines.Sum(l => l.PlannedUnits);
        var languages = suite.Languages.Select(language =>
        {
            var proven = skus.Where(s => s.ProvenLanguages.Contains(language)).Sum(s => s.PlannedUnits);
            return new LanguageCoverageDto(language, proven, total, Rate(proven, total));
        }).ToList();
        return new DeploymentCoverageDto(deploymentId, total, languages, skus);
    }

    private async Task<ConformanceProfileDto> ProfileAsync(Subject subject, Guid id, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? onlyLanguages = null)
    {
        // The datasheet a rate's share is taken of: the SKU's own, or the one a device is mapped to.
        var skus = db.HardwareSkus.AsNoTracking();
        skus = subject == Subject.Sku ? skus.Where(s => s.Id == id) : skus.Where(s => db.AgentDevices.Any(d => d.Id == id && d.SkuId == s.Id));
        var peaks = await skus
            .Select(s => new SkuPeaks(s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops))
            .FirstOrDefaultAsync(cancellationToken);
        var suite = await SuiteAsync(cancellationToken);
        bool Shown(string language) => onlyLanguages is null || onlyLanguages.Contains(language);
        var latest = (await LatestAsync(subject, [id], suite, perDriver: false, cancellationToken)).ToDictionary(r => r.TestId);
        var perDriver = await LatestAsync(subject, [id], suite, perDriver: true, cancellationToken);

        var languages = suite.Languages.Where(Shown).Select(language =>
        {
            var tests = suite.In(language);
            var results = tests.Select(t => latest.GetValueOrDefault(t.Id)).OfType<LatestVerdict>().ToList();
            var passed = results.Count(r => r.Verdict == Passed);
            return new LanguageConformanceDto(language, tests.Count, results.Count, passed, Rate(passed, tests.Count), results.Any(r => r.Verified));
        }).ToList();

        var ops = suite.Tests.Where(t => Shown(t.Language)).GroupBy(t => (t.Op, t.Dtype))
            .OrderBy(g => OpOrder(g.Key.Op)).ThenBy(g => g.Key.Op, StringComparer.Ordinal).ThenBy(g => DtypeOrder(g.Key.Dtype))
            .Select(g => new OpConformanceDto(g.Key.Op, [.. g.OrderBy(t => LanguageOrder(t.Language)).Select(t => Cell(t, latest.GetValueOrDefault(t.Id), peaks))],
                g.Key.Dtype))
            .ToList();

        var dtypes = suite.Tests.Where(t => Shown(t.Language)).GroupBy(t => t.Dtype).OrderBy(g => DtypeOrder(g.Key))
            .Select(g =>
            {
                var results = g.Select(t => latest.GetValueOrDefault(t.Id)).OfType<LatestVerdict>().ToList();
                var passed = results.Count(r => r.Verdict == Passed);
                return new DtypeConformanceDto(g.Key, g.Count(), results.Count, passed, Rate(passed, g.Count()));
            })
            .ToList();

        // Newest driver first; within a driver, languages in their usual order.
        var driverLast = perDriver.GroupBy(r => r.DriverVersion).ToDictionary(g => g.Key, g => g.Max(r => r.FinishedAt));
        var drivers = perDriver.GroupBy(r => (r.DriverVersion, Language: suite.LanguageOf[r.TestId]))
            .Select(g =>
            {
                var suiteTests = suite.In(g.Key.Language).Count;
                var passed = g.Count(r => r.Verdict == Passed);
                return new DriverConformanceDto(g.Key.DriverVersion, g.Key.Language, suiteTests, g.Count(), passed, Rate(passed, suiteTests),
                    g.Max(r => r.FinishedAt));
            })
            .OrderByDescending(d => driverLast[d.DriverVersion]).ThenBy(d => d.DriverVersion, StringComparer.Ordinal)
            .ThenBy(d => LanguageOrder(d.Language))
            .ToList();

        var testIds = suite.TestIds;
        var verifiedJobs = db.Jobs.Where(j => j.Status == JobStatus.Completed && j.Verified && testIds.Contains(j.TestId));
        verifiedJobs = subject == Subject.Sku
            ? verifiedJobs.Where(j => j.SkuId == id).Where(SkuAttribution.JobCounts)
            : verifiedJobs.Where(j => j.DeviceId == id);
        var verified = await verifiedJobs.AnyAsync(cancellationToken);
        return new ConformanceProfileDto(suite.Name, languages, ops, drivers, verified,
            latest.Count == 0 ? null : latest.Values.Max(r => r.FinishedAt), dtypes);
    }

    /// <summary>
    /// The latest completed job per (subject, test), or per (subject, driver version, test), among the suite's tests.
    /// </summary>
    /// <remarks>
    /// Raw SQL because EF Core cannot say DISTINCT ON: it takes the newest row of each group in one ordered pass over
    /// ix_jobs_verdicts (SKUs) or the device index, where EF's GroupBy-First numbers every row with ROW_NUMBER first; and the
    /// timing figures are read out of the result's jsonb in the same pass. The column comes from <see cref="Subject"/>, never from input;
    /// the aliases are snake_case because the model's naming convention maps <see cref="LatestVerdict"/>'s properties so.
    /// </remarks>
    private async Task<List<LatestVerdict>> LatestAsync(Subject subject, Guid[] subjects, Suite suite, bool perDriver,
        CancellationToken cancellationToken)
    {
        if (subjects.Length == 0 || suite.Tests.Count == 0)
            return [];
        var column = subject == Subject.Sku ? "sku_id" : "device_id";
        var driver = perDriver ? "coalesce(j.driver_version, ''), " : "";
        // A SKU's results are those that count toward it (SkuAttribution); a device's are all its own.
        var counts = subject == Subject.Sku ? $"and {SkuAttribution.JobCountsSql}" : "";
        var sql = $"""
            select distinct on (j.{column}, {driver}j.test_id)
                   j.{column} as subject, coalesce(j.driver_version, '') as driver_version, j.test_id, j.run_id, j.verdict, j.verified,
                   j.finished_at, {Timing("medianMs")} as median_ms, {Timing("gbPerSecond")} as gb_per_second,
                   {Timing("gflopPerSecond")} as gflop_per_second, j.result -> 'timing' ->> 'dtype' as dtype, j.timing_suspect as suspect
              from jobs j
             where j.status = '{JobStatuses.CompletedName}' and j.{column} = any(@subjects) and j.test_id = any(@tests) {counts}
             order by j.{column}, {driver}j.test_id, j.finished_at desc, j.id desc
            """;
        return await db.Database.SqlQueryRaw<LatestVerdict>(sql, new NpgsqlParameter("subjects", subjects), new NpgsqlParameter("tests", suite.TestIds))
            .ToListAsync(cancellationToken);
    }

    // A figure of the result's timed case when it is a number (NaN and infinities are written as strings: left out), and
    // not suspect (DESIGN.md "Timings that break physics": the verdict counts, the timing is not compared with others).
    private static string Timing(string field) =>
        $"case when not j.timing_suspect and jsonb_typeof(j.result -> 'timing' -> '{field}') = 'number' then (j.result -> 'timing' ->> '{field}')::float8 end";

    private async Task<Suite> SuiteAsync(CancellationToken cancellationToken)
    {
        var suite = await db.TestSuites.AsNoTracking()
            .Where(s => s.Slug == TestSuite.ConformanceSlug)
            .Select(s => new { s.Name, Tests = s.Tests.Select(t => new SuiteTest(t.Id, t.Op, t.Language, t.Dtype)).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        return new Suite(suite?.Name ?? TestSuite.ConformanceSlug, suite?.Tests ?? []);
    }

    private static ConformanceCellDto Cell(SuiteTest test, LatestVerdict? latest, SkuPeaks? peaks) =>
        new(test.Language, test.Id, latest?.Verdict, latest?.RunId, latest?.FinishedAt, latest?.Verified ?? false, latest?.MedianMs, latest?.GbPerSecond,
            latest?.Suspect ?? false,
            latest is null ? null : MeasuredRates.Of(test.Op, latest.Dtype, latest.GbPerSecond, latest.GflopPerSecond, peaks));

    private static double Rate(int count, int of) => of == 0 ? 0 : (double)count / of;

    private static readonly List<string> OpNames = [.. OpCatalog.Names];
    private static readonly List<string> LanguageNames = [.. KernelLanguages.Names];

    // The catalog's order (vector_add … matmul; opencl-c, cuda-c, triton), anything unknown after it.
    private static int OpOrder(string op) => OpNames.IndexOf(op) is var i and >= 0 ? i : int.MaxValue;

    private static int LanguageOrder(string language) => LanguageNames.IndexOf(language) is var i and >= 0 ? i : int.MaxValue;

    private static readonly List<string> DtypeNames = [.. ElementTypes.DtypeNames];

    // f32, f16, bf16, fp8e4m3, fp8e5m2.
    private static int DtypeOrder(string dtype) => DtypeNames.IndexOf(dtype) is var i and >= 0 ? i : int.MaxValue;

    private enum Subject
    {
        Sku,
        Device,
    }

    private sealed record SuiteTest(Guid Id, string Op, string Language, string Dtype);

    private sealed class Suite(string name, List<SuiteTest> tests)
    {
        public string Name { get; } = name;

        public IReadOnlyList<SuiteTest> Tests { get; } = tests;

        public Guid[] TestIds { get; } = [.. tests.Select(t => t.Id)];

        public IReadOnlyDictionary<Guid, string> LanguageOf { get; } = tests.ToDictionary(t => t.Id, t => t.Language);

        public IReadOnlyList<string> Languages { get; } =
            [.. tests.Select(t => t.Language).Distinct().OrderBy(LanguageOrder).ThenBy(l => l, StringComparer.Ordinal)];

        private readonly ILookup<string, SuiteTest> _byLanguage = tests.ToLookup(t => t.Language, StringComparer.Ordinal);

        public IReadOnlyList<SuiteTest> In(string language) => [.. _byLanguage[language]];
    }

    private sealed record LatestVerdict(Guid Subject, string DriverVersion, Guid TestId, Guid RunId, string Verdict, bool Verified,
        DateTimeOffset FinishedAt, double? MedianMs, double? GbPerSecond, double? GflopPerSecond, string? Dtype, bool Suspect);
}
