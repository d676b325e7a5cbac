using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Tests.Infrastructure;

/// <summary>Seed data for SKU tests, stored directly (as the seed does), so that each test starts from known rows.</summary>
public static class SkuFixtures
{
    /// <summary>Stores a SKU; <paramref name="configure"/> sets the figures a test cares about. Answers its id.</summary>
    public static Task<Guid> AddSkuAsync(this PortalFactory portal, Guid vendorId, string name, SkuCategory category = SkuCategory.Gpu,
        Action<HardwareSku>? configure = null) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var sku = new HardwareSku { VendorId = vendorId, Name = name, Category = category, Lifecycle = SkuLifecycle.Ga, CreatedAt = now, UpdatedAt = now };
            configure?.Invoke(sku);
            db.HardwareSkus.Add(sku);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return sku.Id;
        });

    /// <summary>NVIDIA's H200 SXM as published: 141 GB HBM3e at 4.8 TB/s, 989 dense BF16 TFLOP/s, 1,979 FP8, 700 W.</summary>
    public static void H200(HardwareSku sku)
    {
        sku.MemoryGb = 141;
        sku.MemoryType = "HBM3e";
        sku.MemoryBandwidthTbs = 4.8;
        sku.Bf16Tflops = 989;
        sku.Fp8Tflops = 1979;
        sku.Int8Tops = 1979;
        sku.TdpW = 700;
        sku.Process = "TSMC 4N";
        sku.FormFactor = "SXM5";
        sku.SoftwareStack = "CUDA";
        sku.Languages = ["cuda-c", "opencl-c", "triton"];
        sku.ReleaseMonth = new DateOnly(2024, 3, 1);
        sku.DeviceNamePatterns = ["NVIDIA H200"];
    }

    public static Task AddComponentAsync(this PortalFactory portal, Guid skuId, Guid componentSkuId, int count) =>
        portal.WithDbAsync(async db =>
        {
            db.SkuComponents.Add(new SkuComponent { SkuId = skuId, ComponentSkuId = componentSkuId, Count = count });
            db.Actor = AuditActor.System;
            return await db.SaveChangesAsync();
        });

    /// <summary>Stores a deployment with one hardware line of <paramref name="skuId"/>; answers the deployment's id.</summary>
    public static Task<Guid> AddDeploymentUsingAsync(this PortalFactory portal, Guid skuId, string name, string country, DeploymentStatus status,
        int plannedUnits, int installedUnits) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var deployment = new SovereignDeployment { Name = name, Country = country, Status = status, CreatedAt = now, UpdatedAt = now };
            deployment.HardwareLines.Add(new HardwareLine { SkuId = skuId, PlannedUnits = plannedUnits, InstalledUnits = installedUnits });
            db.Deployments.Add(deployment);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return deployment.Id;
        });
}
