using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Publishing;

namespace Portal.Data.Skus;

/// <summary>
/// A hardware product a partner sells: an accelerator, a memory stack, a server. Figures the vendor
/// has not published stay null, never zero, so that derived figures and charts skip them.
/// </summary>
public sealed class HardwareSku : IAudited, IPublishable
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid VendorId { get; set; }
    public Organization Vendor { get; set; } = null!;
    public required string Name { get; set; }
    public SkuCategory Category { get; set; }
    public double? MemoryGb { get; set; }
    public string? MemoryType { get; set; }
    public double? MemoryBandwidthTbs { get; set; }
    public double? Bf16Tflops { get; set; }
    public double? Fp8Tflops { get; set; }
    public double? Int8Tops { get; set; }
    public double? TdpW { get; set; }
    public string? Process { get; set; }
    public string? FormFactor { get; set; }
    public string? SoftwareStack { get; set; }

    /// <summary>Kernel languages the vendor claims (opencl-c, cuda-c, triton); measured support comes from test runs.</summary>
    public List<string> Languages { get; set; } = [];
    public SkuLifecycle Lifecycle { get; set; }

    /// <summary>The first day of the release month.</summary>
    public DateOnly? ReleaseMonth { get; set; }
    public string? DatasheetUrl { get; set; }

    /// <summary>Case-insensitive substrings of a device name that identify this SKU (e.g. "NVIDIA H200").</summary>
    public List<string> DeviceNamePatterns { get; set; } = [];
    public List<SkuComponent> Components { get; set; } = [];

    /// <summary>Public by default: readable without signing in. Private and embargoed SKUs are seen by the vendor's members and consortium admins.</summary>
    public Publication Publication { get; set; } = Publication.Public;
    public DateTimeOffset? EmbargoUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin, used as an optimistic concurrency token.</summary>
    public uint Version { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>Another SKU this one is built from, and how many (an accelerator uses 6 stacks of an HBM SKU).</summary>
public sealed class SkuComponent : IAuditedPart
{
    public Guid SkuId { get; set; }
    public HardwareSku Sku { get; set; } = null!;
    public Guid ComponentSkuId { get; set; }
    public HardwareSku ComponentSku { get; set; } = null!;
    public int Count { get; set; }

    string IAudited.AuditId => SkuId.ToString();
    string IAuditedPart.OwnerType => nameof(HardwareSku);
    string IAuditedPart.PartLabel => $"Component {ComponentSkuId}";
}

public enum SkuCategory
{
    Gpu,
    Npu,
    Asic,
    Cpu,
    Memory,
    Server,
}

public static class SkuCategories
{
    /// <summary>The categories counted as accelerators in a deployment's figures (not memory, CPUs or servers).</summary>
    public static readonly IReadOnlyList<SkuCategory> Accelerators = [SkuCategory.Gpu, SkuCategory.Npu, SkuCategory.Asic];
}

public enum SkuLifecycle
{
    Announced,
    Sampling,
    Ga,
    Eol,
}
