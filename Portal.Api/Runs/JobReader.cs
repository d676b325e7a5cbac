using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Jobs;

namespace Portal.Api.Runs;

/// <summary>Reads jobs as the API shows them: device, SKU, provenance and the result, in three queries whatever the count.</summary>
internal static class JobReader
{
    private sealed record Row(
        Guid Id, Guid TestId, Guid? TargetDeviceId, Guid? TargetSkuId, JobStatus Status, int Attempts, int MaxAttempts, string? Verdict,
        string? Result, string? FailureReason, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        Guid? DeviceId, string? DeviceName, Guid? DeviceSkuId, SkuMapping? DeviceMapping, Guid? SkuId, Guid? AgentId, string? AgentName, Guid? AgentOrganizationId,
        string? DriverVersion, string? EngineVersion, string? AgentVersion, bool Verified);

    private sealed record Sku(Guid Id, string Name, string VendorName, double? MemoryBandwidthTbs);

    public static async Task<List<JobDto>> ReadAsync(PortalDbContext db, IQueryable<Job> jobs, CancellationToken cancellationToken)
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
                x.Device == null ? null : SkuAttribution.MappingOf(x.Device.SkuSetByHand, x.Device.SkuConfirmedAt, x.Device.SkuConfirmedByUserId), x.Job.SkuId, x.Job.AgentId, x.AgentName, x.AgentOrganizationId,
                x.Job.DriverVersion, x.Job.EngineVersion, x.Job.AgentVersion, x.Job.Verified))
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return [];

        var skuIds = rows.Select(r => r.SkuId ?? r.DeviceSkuId).OfType<Guid>().Distinct().ToList();
        var skus = skuIds.Count == 0
            ? []
            : await db.HardwareSkus.AsNoTracking().Where(s => skuIds.Contains(s.Id))
                .Select(s => new Sku(s.Id, s.Name, s.Vendor.Name, s.MemoryBandwidthTbs))
                .ToDictionaryAsync(s => s.Id, cancellationToken);
        var organizationIds = rows.Select(r => r.AgentOrganizationId).OfType<Guid>().Distinct().ToList();
        var organizations = organizationIds.Count == 0
            ? []
            : await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id))
                .Select(o => new OrganizationRef(o.Id, o.Name, o.Country))
                .ToDictionaryAsync(o => o.Id, cancellationToken);
        return rows.Select(r => ToDto(r, skus, organizations)).ToList();
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
        JsonElement? result = null;
        if (r.Result is not null)
        {
            using var document = JsonDocument.Parse(r.Result);
            result = document.RootElement.Clone();
        }
        var target = r.TargetDeviceId is { } targetDevice ? $"device:{targetDevice}" : $"sku:{r.TargetSkuId}";
        var share = BandwidthShare(result, r.SkuId is { } recorded ? skus.GetValueOrDefault(recorded)?.MemoryBandwidthTbs : null);
        return new JobDto(r.Id, r.TestId, device, target, r.Status, r.Attempts, r.MaxAttempts, r.Verdict, result, r.FailureReason,
            provenance, share, r.CreatedAt, r.StartedAt, r.FinishedAt);
    }

    /// <summary>The result's achieved GB/s over the SKU's peak (TB/s × 1000); null unless both are known and finite.</summary>
    public static double? BandwidthShare(JsonElement? result, double? peakTbs)
    {
        if (peakTbs is not > 0 || result is not { ValueKind: JsonValueKind.Object } document
            || !document.TryGetProperty("timing", out var timing) || timing.ValueKind != JsonValueKind.Object
            || !timing.TryGetProperty("gbPerSecond", out var gbs) || gbs.ValueKind != JsonValueKind.Number)
            return null;
        return BandwidthShare(gbs.GetDouble(), peakTbs);
    }

    public static double? BandwidthShare(double? gbPerSecond, double? peakTbs) =>
        gbPerSecond is { } achieved && double.IsFinite(achieved) && peakTbs is > 0 ? achieved / (peakTbs.Value * 1000) : null;
}
