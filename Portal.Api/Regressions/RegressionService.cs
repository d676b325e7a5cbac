using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Contracts;

using Portal.Api.Skus;

namespace Portal.Api.Regressions;

/// <summary>
/// The one place that says what a regression is: a test whose latest counting result on a SKU (or a device) fails after an
/// earlier one there passed, typically across a driver or runtime change (which re-queues qualification, AgentService). Also
/// the first driver under which each test passed on a SKU. The partner home, the SKU and device pages and (later) change
/// notifications all read it here.
/// </summary>
/// <remarks>
/// Reads take a <see cref="Caller"/> or null for an anonymous reader: a test the reader may not see never shows, by name or
/// otherwise (a null caller sees consortium-visible tests only). Raw SQL: DISTINCT ON for the latest result and a LATERAL join
/// for the pass before it, which EF cannot say; the subject column comes from <see cref="Subject"/>, never from input.
/// </remarks>
public sealed class RegressionService(PortalDbContext db)
{
    public const int DefaultLimit = 20;

    /// <summary>Verdicts that say the kernel did not work on the hardware; unsupported and invalid_spec say nothing about it.</summary>
    public static readonly string[] FailingVerdicts =
        [.. new[] { KernelStatus.Failed, KernelStatus.CompileError, KernelStatus.RuntimeError, KernelStatus.Timeout, KernelStatus.Crashed }.Select(s => s.Name())];

    private const string Completed = JobStatuses.CompletedName;
    private const string Passed = KernelStatuses.PassedName;

    /// <summary>Regressions on the given SKUs (results that count toward them), the newest failure first.</summary>
    public Task<IReadOnlyList<RegressionDto>> ForSkusAsync(Caller? reader, Guid[] skuIds, int limit, CancellationToken cancellationToken) =>
        FindAsync(Subject.Sku, reader, skuIds, limit, cancellationToken);

    /// <summary>Regressions on one device (its own results, whichever SKU they count toward), the newest failure first.</summary>
    public Task<IReadOnlyList<RegressionDto>> ForDeviceAsync(Caller? reader, Guid deviceId, int limit, CancellationToken cancellationToken) =>
        FindAsync(Subject.Device, reader, [deviceId], limit, cancellationToken);

    /// <summary>
    /// Whether a completed job is a regression the moment it lands: it fails, counts toward its SKU, and the SKU's previous
    /// counting result of the same test passed. Null otherwise, or when <paramref name="reader"/> may not see the test. For
    /// change notifications ("regression" events): a failure repeated after a failure is no new regression.
    /// </summary>
    public async Task<RegressionDto?> OfJobAsync(Caller? reader, Guid jobId, CancellationToken cancellationToken)
    {
        var sql = $"""
            select f.id as failed_job_id, f.sku_id, f.test_id, f.verdict, f.driver_version as failed_driver, f.verified as failed_verified,
                   f.finished_at as failed_at, p.id as passed_job_id, p.driver_version as passed_driver, p.finished_at as passed_at
              from (select j.* from jobs j
                     where j.id = @job and j.status = '{Completed}' and j.sku_id is not null and j.finished_at is not null
                       and j.verdict = any(@failing) and {SkuAttribution.JobCountsSql}) f
              join lateral (
                    select j.id, j.driver_version, j.finished_at, j.verdict
                      from jobs j
                     where j.status = '{Completed}' and j.sku_id = f.sku_id and j.test_id = f.test_id and j.finished_at is not null
                       and (j.finished_at, j.id) < (f.finished_at, f.id) and {SkuAttribution.JobCountsSql}
                     order by j.finished_at desc, j.id desc
                     limit 1) p on p.verdict = '{Passed}'
            """;
        var found = await db.Database.SqlQueryRaw<RegressionRow>(sql,
                new NpgsqlParameter("job", jobId), new NpgsqlParameter("failing", FailingVerdicts))
            .ToListAsync(cancellationToken);
        return (await DescribeAsync(reader, found, 1, cancellationToken)).FirstOrDefault();
    }

    /// <summary>Per test the reader may see that ever passed on the SKU: the driver of its first pass, and its latest verdict.</summary>
    public async Task<IReadOnlyList<FirstPassingDriverDto>> FirstPassingDriversAsync(Caller? reader, Guid skuId, CancellationToken cancellationToken)
    {
        var sql = $"""
            select f.test_id, f.driver_version as driver, f.finished_at as first_passed_at, f.id as first_passed_job_id, l.verdict as latest_verdict
              from (select distinct on (j.test_id) j.test_id, j.driver_version, j.finished_at, j.id
                      from jobs j
                     where j.status = '{Completed}' and j.sku_id = @sku and j.verdict = '{Passed}' and j.finished_at is not null
                       and {SkuAttribution.JobCountsSql}
                     order by j.test_id, j.finished_at, j.id) f
              left join lateral (
                    select j.verdict from jobs j
                     where j.status = '{Completed}' and j.sku_id = @sku and j.test_id = f.test_id and j.finished_at is not null
                       and {SkuAttribution.JobCountsSql}
                     order by j.finished_at desc, j.id desc
                     limit 1) l on true
            """;
        var rows = await db.Database.SqlQueryRaw<FirstPassRow>(sql, new NpgsqlParameter("sku", skuId)).ToListAsync(cancellationToken);
        var testIds = rows.Select(r => r.TestId).ToList();
        var tests = await Visible(reader).Where(t => testIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Name, t.Op, t.Dtype, t.Language })
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        return [.. rows.Where(r => tests.ContainsKey(r.TestId))
            .Select(r => (Row: r, Test: tests[r.TestId]))
            .OrderBy(x => x.Test.Name, StringComparer.Ordinal)
            .Select(x => new FirstPassingDriverDto(x.Row.TestId, x.Test.Name, x.Test.Op, x.Test.Dtype, x.Test.Language, Blank(x.Row.Driver),
                x.Row.FirstPassedAt, x.Row.FirstPassedJobId, x.Row.LatestVerdict))];
    }

    /// <summary>A SKU's page: its regressions and first passing drivers; not found when there is no such SKU.</summary>
    public async Task<Outcome<SkuRegressionsDto>> ForSkuPageAsync(Caller? reader, Guid skuId, CancellationToken cancellationToken)
    {
        if (!await db.HardwareSkus.VisibleTo(reader).AnyAsync(s => s.Id == skuId, cancellationToken))
            return new Outcome<SkuRegressionsDto>.NotFound(Localized<RegressionText>.Format("SkuNotFound", skuId));
        return new SkuRegressionsDto(skuId, await ForSkusAsync(reader, [skuId], DefaultLimit, cancellationToken),
            await FirstPassingDriversAsync(reader, skuId, cancellationToken));
    }

    /// <summary>A device's page: its regressions; not found when the agent has no such device.</summary>
    public async Task<Outcome<IReadOnlyList<RegressionDto>>> ForDevicePageAsync(Caller? reader, Guid agentId, Guid deviceId,
        CancellationToken cancellationToken)
    {
        if (!await db.AgentDevices.AnyAsync(d => d.Id == deviceId && d.AgentId == agentId, cancellationToken))
            return new Outcome<IReadOnlyList<RegressionDto>>.NotFound(Localized<RegressionText>.Format("DeviceNotFound", agentId, deviceId));
        return new Outcome<IReadOnlyList<RegressionDto>>.Success(await ForDeviceAsync(reader, deviceId, DefaultLimit, cancellationToken));
    }

    private async Task<IReadOnlyList<RegressionDto>> FindAsync(Subject subject, Caller? reader, Guid[] subjects, int limit,
        CancellationToken cancellationToken)
    {
        if (subjects.Length == 0)
            return [];
        var column = subject == Subject.Sku ? "sku_id" : "device_id";
        // A SKU's results are those that count toward it (SkuAttribution); a device's are all its own.
        var counts = subject == Subject.Sku ? $"and {SkuAttribution.JobCountsSql}" : "";
        var sql = $"""
            with latest as (
                select distinct on (j.{column}, j.test_id) j.id, j.{column} as subject, j.sku_id, j.test_id, j.verdict, j.driver_version,
                       j.verified, j.finished_at
                  from jobs j
                 where j.status = '{Completed}' and j.{column} = any(@subjects) and j.finished_at is not null {counts}
                 order by j.{column}, j.test_id, j.finished_at desc, j.id desc)
            select l.id as failed_job_id, l.sku_id, l.test_id, l.verdict, l.driver_version as failed_driver, l.verified as failed_verified,
                   l.finished_at as failed_at, p.id as passed_job_id, p.driver_version as passed_driver, p.finished_at as passed_at
              from latest l
              join lateral (
                    select j.id, j.driver_version, j.finished_at
                      from jobs j
                     where j.status = '{Completed}' and j.{column} = l.subject and j.test_id = l.test_id
                       and j.verdict = '{Passed}' and j.finished_at < l.finished_at {counts}
                     order by j.finished_at desc, j.id desc
                     limit 1) p on true
             where l.verdict = any(@failing)
             order by l.finished_at desc, l.id desc
            """;
        var found = await db.Database.SqlQueryRaw<RegressionRow>(sql,
                new NpgsqlParameter("subjects", subjects), new NpgsqlParameter("failing", FailingVerdicts))
            .ToListAsync(cancellationToken);
        return await DescribeAsync(reader, found, limit, cancellationToken);
    }

    private async Task<IReadOnlyList<RegressionDto>> DescribeAsync(Caller? reader, List<RegressionRow> found, int limit, CancellationToken cancellationToken)
    {
        if (found.Count == 0)
            return [];
        // Another organisation's private test stays out of sight, as everywhere else (TestAccess).
        var testIds = found.Select(r => r.TestId).Distinct().ToList();
        var tests = await Visible(reader).Where(t => testIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Name, t.Language })
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var foundSkus = found.Where(r => r.SkuId is not null).Select(r => r.SkuId!.Value).Distinct().ToList();
        // And a SKU the reader may not see (private, embargoed): its regressions are left out, name and all (SkuAccess).
        var skuNames = await db.HardwareSkus.AsNoTracking().VisibleTo(reader).Where(s => foundSkus.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. found.Where(r => tests.ContainsKey(r.TestId) && (r.SkuId is not { } sku || skuNames.ContainsKey(sku))).Take(limit)
            .Select(r => new RegressionDto(r.SkuId, r.SkuId is { } sku ? skuNames.GetValueOrDefault(sku) : null, r.TestId, tests[r.TestId].Name,
                tests[r.TestId].Language, r.Verdict, r.FailedJobId, r.FailedAt, Blank(r.FailedDriver), r.FailedVerified, r.PassedJobId,
                r.PassedAt, Blank(r.PassedDriver)))];
    }

    /// <summary>The tests a reader sees: <see cref="TestAccess.VisibleTo"/> for a signed-in caller, consortium-visible ones for anyone.</summary>
    private IQueryable<CompatibilityTest> Visible(Caller? reader) =>
        reader is null
            ? db.CompatibilityTests.AsNoTracking().Where(t => t.Visibility == TestVisibility.Consortium)
            : db.CompatibilityTests.AsNoTracking().VisibleTo(reader);

    private static string? Blank(string? driver) => string.IsNullOrWhiteSpace(driver) ? null : driver;

    private enum Subject
    {
        Sku,
        Device,
    }

    private sealed record RegressionRow(Guid FailedJobId, Guid? SkuId, Guid TestId, string Verdict, string? FailedDriver, bool FailedVerified,
        DateTimeOffset FailedAt, Guid PassedJobId, string? PassedDriver, DateTimeOffset PassedAt);

    private sealed record FirstPassRow(Guid TestId, string? Driver, DateTimeOffset FirstPassedAt, Guid FirstPassedJobId, string? LatestVerdict);
}
