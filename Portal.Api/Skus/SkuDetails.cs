using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Publishing;
using Portal.Data;

namespace Portal.Api.Skus;

/// <summary>Reads one SKU with its parts, where it is used, and its derived figures.</summary>
/// <remarks>
/// Without Npgsql's auto-prepare (PortalDataExtensions) PostgreSQL plans every statement of every request, and planning
/// was most of a detail's database time: 3 statements, ≈ 2.2 ms of planning against ≈ 0.3 ms of execution (EXPLAIN in
/// docs/benchmarks.md). So the SKU is read flat, with whether it has parts, is a part, or is in a deployment, and each
/// list is read only when it has rows: most SKUs take one statement, cheap to plan.
/// </remarks>
internal static class SkuDetails
{
    /// <summary>The SKU as <paramref name="reader"/> may see it: null when it is not theirs to read; parts, parent SKUs and
    /// deployments they may not read are left out.</summary>
    /// <param name="subjectReader">Whose rule decides whether the SKU itself is found: the reader's, or (an owner's preview of
    /// the public page) the owner's while everything around it is read by the anonymous rule.</param>
    public static async Task<SkuDetail?> LoadAsync(PortalDbContext db, Caller? reader, Guid id, CancellationToken cancellationToken,
        Caller? subjectReader = null, bool preview = false)
    {
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        var visibleDeployments = db.Deployments.VisibleTo(reader).Select(d => d.Id);
        var sku = await db.HardwareSkus.AsNoTracking().VisibleTo(preview ? subjectReader : reader)
            .Where(s => s.Id == id)
            .Select(s => new
            {
                s.Id, s.VendorId, VendorName = s.Vendor.Name, VendorCountry = s.Vendor.Country, s.Name, s.Category, s.Lifecycle, s.ReleaseMonth,
                s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops, s.Int8Tops, s.TdpW, s.Process, s.FormFactor,
                s.SoftwareStack, s.Languages, s.DatasheetUrl, s.DeviceNamePatterns, s.CreatedAt, s.UpdatedAt, s.Version, s.Publication, s.EmbargoUntil,
                HasComponents = s.Components.Any(),
                IsComponent = db.SkuComponents.Any(c => c.ComponentSkuId == s.Id),
                IsDeployed = db.HardwareLines.Any(l => l.SkuId == s.Id),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (sku is null)
            return null;

        List<SkuComponentDto> components = sku.HasComponents
            ? await db.SkuComponents.AsNoTracking()
                .Where(c => c.SkuId == id && visibleSkus.Contains(c.ComponentSkuId))
                .OrderBy(c => c.ComponentSku.Name)
                .Select(c => new SkuComponentDto(c.ComponentSkuId, c.ComponentSku.Name, c.ComponentSku.Vendor.Name, c.ComponentSku.Category,
                    c.Count, c.ComponentSku.MemoryGb, c.ComponentSku.MemoryBandwidthTbs, c.ComponentSku.TdpW))
                .ToListAsync(cancellationToken)
            : [];
        List<SkuRef> usedBy = sku.IsComponent
            ? await db.SkuComponents.AsNoTracking()
                .Where(c => c.ComponentSkuId == id && visibleSkus.Contains(c.SkuId))
                .OrderBy(c => c.Sku.Name)
                .Select(c => new SkuRef(c.SkuId, c.Sku.Name, c.Sku.Vendor.Name))
                .ToListAsync(cancellationToken)
            : [];
        List<SkuDeploymentUse> deployments = sku.IsDeployed
            ? await db.HardwareLines.AsNoTracking()
                .Where(l => l.SkuId == id && visibleDeployments.Contains(l.DeploymentId))
                .OrderBy(l => l.Deployment.Name)
                .Select(l => new SkuDeploymentUse(l.DeploymentId, l.Deployment.Name, l.Deployment.Country, l.Deployment.Status, l.PlannedUnits, l.InstalledUnits))
                .ToListAsync(cancellationToken)
            : [];

        return new SkuDetail(
            sku.Id, sku.VendorId, sku.VendorName, sku.VendorCountry, sku.Name, sku.Category, sku.Lifecycle, SkuValidator.FormatMonth(sku.ReleaseMonth),
            sku.MemoryGb, sku.MemoryType, sku.MemoryBandwidthTbs, sku.Bf16Tflops, sku.Fp8Tflops, sku.Int8Tops, sku.TdpW, sku.Process, sku.FormFactor,
            sku.SoftwareStack, sku.Languages, sku.DatasheetUrl, sku.DeviceNamePatterns, components, usedBy, deployments,
            SkuFigures.Derive(sku.Bf16Tflops, sku.Fp8Tflops, sku.MemoryGb, sku.MemoryBandwidthTbs, sku.TdpW, components),
            sku.CreatedAt, sku.UpdatedAt, sku.Version)
        {
            Publication = new PublicationDto(sku.Publication, sku.EmbargoUntil),
        };
    }
}
