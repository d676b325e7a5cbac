using Portal.Api.Deployments;
using Portal.Api.Skus;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Contracts;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Api.Charts;

/// <summary>
/// The series the portal's charts draw, each from one query over what the caller may see: measured rates and pass rates of
/// a SKU, the timing spread of a run, and the deployments' milestones, capacity and domestic share.
/// </summary>
public sealed class ChartDataService(PortalDbContext db, NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Verdicts that say nothing about how well a driver runs kernels: left out of pass rates.</summary>
    private static readonly string[] NotAboutTheDriver = [KernelStatus.Unsupported.Name(), KernelStatus.InvalidSpec.Name()];

    // Raw SQL because these read into the result document (a converted jsonb column, which EF cannot look into) and take
    // the latest verdict per test (DISTINCT ON). Only results that count toward their SKU (SkuAttribution) and tests the
    // caller may see (TestAccess.VisibleSql, the SQL form of TestAccess.VisibleTo).

    private const string PassedTimingsSql = $"""
        select t.op, coalesce(j.result -> 'timing' ->> 'dtype', 'f32'), j.id,
               j.result -> 'timing' ->> 'gbPerSecond', j.result -> 'timing' ->> 'gflopPerSecond'
          from jobs j join compatibility_tests t on t.id = j.test_id
         where j.sku_id = @sku and j.status = '{JobStatuses.CompletedName}' and j.verdict = '{KernelStatuses.PassedName}'
           and not j.timing_suspect and j.result -> 'timing' is not null
           and {SkuAttribution.JobCountsSql} and {TestAccess.VisibleSql}
        """;

    private const string LatestVerdictPerDriverSql = $"""
        select distinct on (j.test_id, j.language, coalesce(j.driver_version, ''))
               coalesce(j.driver_version, ''), j.language, j.verdict, j.finished_at
          from jobs j join compatibility_tests t on t.id = j.test_id
         where j.sku_id = @sku and j.status = '{JobStatuses.CompletedName}' and j.verdict is not null and j.finished_at is not null
           and {SkuAttribution.JobCountsSql} and {TestAccess.VisibleSql}
         order by j.test_id, j.language, coalesce(j.driver_version, ''), j.finished_at desc, j.id desc
        """;

    /// <summary>A SKU's measured rates per op and its pass rate per driver version; null when there is no such SKU.</summary>
    /// <param name="caller">Null for an anonymous reader: a SKU they may not read has no charts.</param>
    public async Task<SkuChartsDto?> SkuAsync(Caller? caller, Guid skuId, CancellationToken cancellationToken)
    {
        var sku = await db.HardwareSkus.AsNoTracking().VisibleTo(caller).Where(s => s.Id == skuId)
            .Select(s => new { s.Name, s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops })
            .FirstOrDefaultAsync(cancellationToken);
        if (sku is null)
            return null;

        var timings = new List<(string Op, string Dtype, Guid JobId, double? Gb, double? Gflop)>();
        await using (var command = Command(PassedTimingsSql, caller, skuId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                timings.Add((reader.GetString(0), reader.GetString(1), reader.GetGuid(2), Number(reader, 3), Number(reader, 4)));
        }
        var ops = timings
            .GroupBy(r => (r.Op, r.Dtype))
            .Select(g =>
            {
                // The one rule every view reads rates by (the op's own FLOP per byte), as MeasuredRates does.
                var computeBound = Portal.Kernels.Ops.OpCatalog.IsComputeBound(g.Key.Op);
                var best = g.MaxBy(r => (computeBound ? r.Gflop : r.Gb) ?? -1);
                return new OpRateDto(g.Key.Op, g.Key.Dtype, computeBound, best.Gb, best.Gflop, g.Count(), best.JobId);
            })
            .Where(o => (o.ComputeBound ? o.GflopPerSecond : o.GbPerSecond) is not null)
            .OrderBy(o => o.ComputeBound).ThenBy(o => o.Op, StringComparer.Ordinal).ThenBy(o => o.Dtype, StringComparer.Ordinal)
            .ToList();

        var verdicts = new List<(string Driver, string Language, string Verdict, DateTimeOffset FinishedAt)>();
        await using (var command = Command(LatestVerdictPerDriverSql, caller, skuId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                verdicts.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        var drivers = verdicts
            .Where(v => !NotAboutTheDriver.Contains(v.Verdict))
            .GroupBy(v => (v.Driver, v.Language))
            .Select(g => new DriverPassRateDto(g.Key.Driver, g.Key.Language, g.Count(v => v.Verdict == KernelStatuses.PassedName), g.Count(),
                g.Min(v => v.FinishedAt)))
            .OrderBy(d => d.FirstSeen).ThenBy(d => d.Driver, StringComparer.Ordinal).ThenBy(d => d.Language, StringComparer.Ordinal)
            .ToList();

        return new SkuChartsDto(skuId, sku.Name, sku.MemoryBandwidthTbs * 1000, sku.Bf16Tflops * 1000, sku.Fp8Tflops * 1000, ops, drivers);
    }

    /// <summary>The timed case of each of the run's jobs that the caller may see and that has a timing, in job order.</summary>
    public async Task<IReadOnlyList<JobTimingDto>> RunTimingsAsync(Caller? caller, Guid runId, CancellationToken cancellationToken)
    {
        var visible = db.CompatibilityTests.AsNoTracking().VisibleTo(caller);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => s.Id);
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.RunId == runId && j.Result != null)
            .Where(j => (j.SkuId == null || visibleSkus.Contains(j.SkuId.Value)) && (j.TargetSkuId == null || visibleSkus.Contains(j.TargetSkuId.Value)))
            .Join(visible, j => j.TestId, t => t.Id, (j, t) => new { j.Id, Test = t.Name, t.Op, Device = j.DeviceName ?? j.Device!.Name, j.Verdict, j.Result, j.TimingSuspect })
            .OrderBy(j => j.Id)
            .ToListAsync(cancellationToken);
        return [.. jobs
            .Where(j => j.Result!.Timing is { Iterations: > 0 } timing
                        && new[] { timing.MinMs, timing.MedianMs, timing.P90Ms, timing.MaxMs }.All(double.IsFinite))
            .Select(j =>
            {
                var timing = j.Result!.Timing!;
                return new JobTimingDto(j.Id, j.Test, j.Op, j.Device, j.Verdict ?? j.Result.Status.Name(), timing.Iterations,
                    timing.MinMs, timing.MedianMs, timing.P90Ms, timing.MaxMs, j.TimingSuspect);
            })];
    }

    /// <summary>Every deployment's milestones, power and accelerators, and the domestic share of accelerators by country.</summary>
    /// <param name="reader">Null for an anonymous reader: only the deployments and SKUs they may read count.</param>
    public async Task<DeploymentChartsDto> DeploymentsAsync(Caller? reader, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var accelerators = SkuCategories.Accelerators.ToList();
        var deployments = db.Deployments.AsNoTracking().VisibleTo(reader);
        var visible = deployments.Select(d => d.Id);
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        var milestones = await db.Milestones.AsNoTracking().Where(m => visible.Contains(m.DeploymentId))
            .OrderBy(m => m.Deployment.Name).ThenBy(m => m.DeploymentId).ThenBy(m => m.Date).ThenBy(m => m.Title)
            .Select(m => new { m.DeploymentId, Deployment = m.Deployment.Name, m.Deployment.Country, m.Date, m.Title, m.Status })
            .ToListAsync(cancellationToken);
        var projects = await deployments
            .Select(d => new ProjectCapacityDto(d.Id, d.Name, d.Country, d.PlannedMw, d.InstalledMw,
                d.HardwareLines.Where(l => accelerators.Contains(l.Sku.Category) && visibleSkus.Contains(l.SkuId)).Sum(l => (long)l.PlannedUnits),
                d.HardwareLines.Where(l => accelerators.Contains(l.Sku.Category) && visibleSkus.Contains(l.SkuId)).Sum(l => (long)l.InstalledUnits)))
            .ToListAsync(cancellationToken);
        var groups = await db.HardwareLines.AsNoTracking()
            .Where(l => accelerators.Contains(l.Sku.Category) && visible.Contains(l.DeploymentId) && visibleSkus.Contains(l.SkuId))
            .GroupBy(l => new { l.Deployment.Country, Domestic = l.Sku.Vendor.Country == l.Deployment.Country })
            .Select(g => new { g.Key.Country, g.Key.Domestic, Planned = g.Sum(l => (long)l.PlannedUnits) })
            .ToListAsync(cancellationToken);
        var shares = groups.GroupBy(g => g.Country)
            .Select(c => new DomesticShareDto(c.Key, c.Where(g => g.Domestic).Sum(g => g.Planned), c.Where(g => !g.Domestic).Sum(g => g.Planned)));

        return new DeploymentChartsDto(
            today,
            [.. milestones.Select(m => new TimelineMilestoneDto(m.DeploymentId, m.Deployment, m.Country, m.Date, m.Title, m.Status,
                MilestoneSchedule.IsOverdue(m.Status, m.Date, today)))],
            [.. projects
                .Where(p => p.PlannedMw is not null || p.InstalledMw is not null || p.PlannedAccelerators + p.InstalledAccelerators > 0)
                .OrderByDescending(p => p.PlannedMw ?? p.InstalledMw ?? 0).ThenByDescending(p => p.PlannedAccelerators)
                .ThenBy(p => p.Name, StringComparer.Ordinal)],
            [.. shares.Where(s => s.Domestic + s.Foreign > 0)
                .OrderByDescending(s => s.Domestic + s.Foreign).ThenBy(s => s.Country, StringComparer.Ordinal)]);
    }

    private NpgsqlCommand Command(string sql, Caller? caller, Guid skuId)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("sku", skuId));
        TestAccess.AddVisibilityParameters(command, caller);
        return command;
    }

    /// <summary>A figure from the result document; a kernel's NaN or ∞ (written as strings) is no figure.</summary>
    private static double? Number(NpgsqlDataReader reader, int ordinal) =>
        !reader.IsDBNull(ordinal)
        && double.TryParse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value) ? value : null;
}
