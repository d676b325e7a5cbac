using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Jobs;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;

namespace Portal.Api.Runs;

/// <summary>Reads jobs as the API shows them: device, SKU, provenance and the result, in three queries whatever the count.</summary>
internal static class JobReader
{
    private sealed record Row(
        Guid Id, Guid TestId, Guid? TargetDeviceId, Guid? TargetSkuId, JobStatus Status, int Attempts, int MaxAttempts, string? Verdict,
        KernelResult? Result, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        Guid? DeviceId, string? DeviceName, Guid? DeviceSkuId, SkuMapping? DeviceMapping, Guid? SkuId, Guid? AgentId, string? AgentName,
        Guid? AgentOrganizationId, string? DriverVersion, string? EngineVersion, string? AgentVersion, bool Verified,
        string Language, string Op, TestVisibility TestVisibility, Guid? TestOrganizationId, bool TimingSuspect, TimingFigure? SuspectFigure,
        double? SuspectLimit, TimingLimitSource? SuspectLimitSource, string TestName, JobProgress? Progress = null);

    private sealed record Sku(Guid Id, string Name, string VendorName, SkuPeaks Peaks);

    /// <summary>An online device that a waiting job's target names, and who runs it.</summary>
    private sealed record Candidate(Guid Id, Guid? SkuId, List<string> Languages, Guid OrganizationId, bool Consortium);

    public static async Task<List<JobDto>> ReadAsync(PortalDbContext db, JobQueueOptions queue, IQueryable<Job> jobs, CancellationToken cancellationToken)
    {
        var rows = await jobs
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
            .Select(j => new
            {
                Job = j,
                // The device that holds (or held) the job, else the one it is aimed at.
                Device = db.AgentDevices.Where(d => d.Id == (j.DeviceId ?? j.TargetDeviceId)).Select(d => new { d.Id, d.Name, d.SkuId, d.SkuSetByHand, d.SkuConfirmedAt, d.SkuConfirmedByUserId })
                    .FirstOrDefault(),
                AgentName = j.Agent == null ? null : j.Agent.Name,
                AgentOrganizationId = j.AgentOrganizationId ?? (j.Agent == null ? (Guid?)null : j.Agent.OrganizationId),
            })
            .Select(x => new Row(
                x.Job.Id, x.Job.TestId, x.Job.TargetDeviceId, x.Job.TargetSkuId, x.Job.Status, x.Job.Attempts, x.Job.MaxAttempts, x.Job.Verdict,
                x.Job.Result, x.Job.FailureReason, x.Job.CreatedAt, x.Job.StartedAt, x.Job.FinishedAt,
                x.Device == null ? null : x.Device.Id, x.Job.DeviceName ?? (x.Device == null ? null : x.Device.Name),
                x.Device == null ? null : x.Device.SkuId,
                x.Device == null ? null : SkuAttribution.MappingOf(x.Device.SkuSetByHand, x.Device.SkuConfirmedAt, x.Device.SkuConfirmedByUserId),
                x.Job.SkuId, x.Job.AgentId, x.AgentName, x.AgentOrganizationId,
                x.Job.DriverVersion, x.Job.EngineVersion, x.Job.AgentVersion, x.Job.Verified,
                x.Job.Language, x.Job.Test!.Op, x.Job.Test.Visibility, x.Job.Test.OrganizationId, x.Job.TimingSuspect, x.Job.SuspectFigure,
                x.Job.SuspectLimit, x.Job.SuspectLimitSource, x.Job.Test.Name, x.Job.Progress))
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return [];

        var skuIds = rows.Select(r => r.SkuId ?? r.DeviceSkuId).OfType<Guid>().Distinct().ToList();
        var skus = skuIds.Count == 0
            ? []
            : await db.HardwareSkus.AsNoTracking().Where(s => skuIds.Contains(s.Id))
                .Select(s => new Sku(s.Id, s.Name, s.Vendor.Name, new SkuPeaks(s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops)))
                .ToDictionaryAsync(s => s.Id, cancellationToken);
        var organizationIds = rows.Select(r => r.AgentOrganizationId).OfType<Guid>().Distinct().ToList();
        var organizations = organizationIds.Count == 0
            ? []
            : await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id))
                .Select(o => new OrganizationRef(o.Id, o.Name, o.Country))
                .ToDictionaryAsync(o => o.Id, cancellationToken);
        var waiting = await WaitingReasonsAsync(db, queue, rows, cancellationToken);
        return rows.Select(r => ToDto(r, skus, organizations) with { WaitingReason = waiting.GetValueOrDefault(r.Id) }).ToList();
    }

    /// <summary>
    /// Why each waiting job can be taken by no agent now: no online device of its target accepts its language, or none
    /// whose agent may lease the test (<see cref="LeaseRule"/>, the rule the lease statement applies). One query for all.
    /// </summary>
    private static async Task<Dictionary<Guid, string>> WaitingReasonsAsync(PortalDbContext db, JobQueueOptions queue, List<Row> rows,
        CancellationToken cancellationToken)
    {
        var waiting = rows.Where(r => r.Status is JobStatus.Queued or JobStatus.Retrying).ToList();
        if (waiting.Count == 0)
            return [];
        var devices = waiting.Select(r => r.TargetDeviceId).OfType<Guid>().Distinct().ToList();
        var skus = waiting.Select(r => r.TargetSkuId).OfType<Guid>().Distinct().ToList();
        var online = db.Now - queue.Online;
        var candidates = await db.AgentDevices.AsNoTracking()
            .Where(d => d.Present && d.Agent!.RevokedAt == null && d.Agent.LastHeartbeatAt >= online
                && (devices.Contains(d.Id) || (d.SkuId != null && skus.Contains(d.SkuId.Value))))
            .Select(d => new Candidate(d.Id, d.SkuId, d.Languages, d.Agent!.OrganizationId, d.Agent.Organization!.Kind == OrganizationKind.Consortium))
            .ToListAsync(cancellationToken);
        var hours = queue.MaxQueuedHours.ToString("0.##", CultureInfo.CurrentCulture);
        var reasons = new Dictionary<Guid, string>();
        foreach (var job in waiting)
        {
            var matching = candidates.Where(c => (c.Id == job.TargetDeviceId || (c.SkuId is not null && c.SkuId == job.TargetSkuId))
                && c.Languages.Contains(job.Language)).ToList();
            if (matching.Count == 0)
                reasons[job.Id] = Localized<RunText>.Format("WaitingNoDevice", job.Language, hours);
            else if (!matching.Any(c => LeaseRule.MayLease(job.TestVisibility, job.TestOrganizationId, c.OrganizationId, c.Consortium)))
                reasons[job.Id] = Localized<RunText>.Format("WaitingNoPermittedAgent", hours);
        }
        return reasons;
    }

    private static JobDto ToDto(Row r, Dictionary<Guid, Sku> skus, Dictionary<Guid, OrganizationRef> organizations)
    {
        // The SKU recorded at completion wins: the device may have been mapped differently since.
        var sku = (r.SkuId ?? r.DeviceSkuId) is { } skuId ? skus.GetValueOrDefault(skuId) : null;
        var device = r.DeviceId is not null || r.DeviceName is not null
            ? new JobDeviceDto(r.DeviceId, r.DeviceName ?? "", sku is null ? null : new SkuRef(sku.Id, sku.Name, sku.VendorName),
                sku is null ? null : r.DeviceMapping)
            : null;
        var provenance = r.AgentId is null && r.AgentOrganizationId is null
            ? null
            : new JobProvenanceDto(
                r.AgentId is { } agentId ? new ProvenanceAgent(agentId, r.AgentName ?? "") : null,
                r.AgentOrganizationId is { } organizationId ? organizations.GetValueOrDefault(organizationId) : null,
                r.DriverVersion, r.EngineVersion, r.AgentVersion, r.Verified);
        var result = r.Result;
        var target = r.TargetDeviceId is { } targetDevice ? $"device:{targetDevice}" : $"sku:{r.TargetSkuId}";
        var peaks = r.SkuId is { } recorded ? skus.GetValueOrDefault(recorded)?.Peaks : null;
        var share = MeasuredRates.BandwidthShare(result?.Timing?.GbPerSecond, peaks?.MemoryBandwidthTbs);
        var rate = result?.Timing is { } timing ? MeasuredRates.Of(r.Op, timing.Dtype, timing.GbPerSecond, timing.GflopPerSecond, peaks) : null;
        return new JobDto(r.Id, r.TestId, device, target, r.Status, r.Attempts, r.MaxAttempts, r.Verdict, result, r.FailureReason,
            provenance, share, r.CreatedAt, r.StartedAt, r.FinishedAt, Suspect: r.TimingSuspect, TestName: r.TestName,
            Progress: r.Status == JobStatus.Running ? r.Progress : null,
            SuspectReason: r.TimingSuspect ? SuspectReason(r, result, r.SkuId is { } recordedSku ? skus.GetValueOrDefault(recordedSku)?.Name : null) : null,
            Rate: rate);
    }

    /// <summary>
    /// Why a timing is suspect, in the reader's language: the figure, the limit it broke and where the limit comes from
    /// (DESIGN.md "Timings that break physics"). Formatted on read from what was recorded at completion.
    /// </summary>
    private static string SuspectReason(Row r, KernelResult? result, string? skuName)
    {
        var figure = r.SuspectFigure == TimingFigure.GflopPerSecond ? result?.Timing?.GflopPerSecond : result?.Timing?.GbPerSecond;
        var measured = figure is { } value ? value.ToString("N0", CultureInfo.CurrentCulture) : "?";
        var limit = r.SuspectLimit is { } l ? l.ToString("N0", CultureInfo.CurrentCulture) : "?";
        var sku = skuName ?? Localized<RunText>.Get("SuspectUnknownSku");
        return (r.SuspectFigure, r.SuspectLimitSource) switch
        {
            (TimingFigure.GflopPerSecond, TimingLimitSource.DatasheetBf16) => Localized<RunText>.Format("SuspectDatasheetFlopsAtDtype", measured, limit, sku, "BF16"),
            (TimingFigure.GflopPerSecond, TimingLimitSource.DatasheetFp8) => Localized<RunText>.Format("SuspectDatasheetFlopsAtDtype", measured, limit, sku, "FP8"),
            (TimingFigure.GflopPerSecond, _) => Localized<RunText>.Format("SuspectDatasheetFlops", measured, limit, sku),
            (_, TimingLimitSource.CopyBandwidth) => Localized<RunText>.Format("SuspectCopyBandwidth", measured, limit),
            _ => Localized<RunText>.Format("SuspectDatasheetBandwidth", measured, limit, sku),
        };
    }
}
