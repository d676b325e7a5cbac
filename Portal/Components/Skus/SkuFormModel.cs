using Portal.Api.Skus;
using Portal.Data;

namespace Portal.Components.Skus;

/// <summary>The editable state of the SKU form, turned into the API's input on save.</summary>
public sealed class SkuFormModel
{
    public VendorRef? Vendor { get; set; }
    public string? Name { get; set; }
    public string? Category { get; set; } = "gpu";
    public string? Lifecycle { get; set; } = "announced";
    public string Publication { get; set; } = "public";

    /// <summary>The day (UTC) an embargoed SKU turns public.</summary>
    public DateTime? EmbargoUntil { get; set; }
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
    public List<string> Languages { get; set; } = [];
    public string? ReleaseMonth { get; set; }
    public string? DatasheetUrl { get; set; }

    /// <summary>One pattern per line.</summary>
    public string? DeviceNamePatterns { get; set; }
    public List<SkuComponentRow> Components { get; set; } = [];
    public uint? Version { get; set; }

    public static SkuFormModel From(SkuDetail sku) => new()
    {
        Vendor = new VendorRef(sku.VendorId, sku.VendorName, sku.VendorCountry),
        Name = sku.Name,
        Category = Naming.ToSnakeCase(sku.Category),
        Lifecycle = Naming.ToSnakeCase(sku.Lifecycle),
        Publication = Naming.ToSnakeCase(sku.Publication.State),
        EmbargoUntil = sku.Publication.EmbargoUntil?.UtcDateTime.Date,
        MemoryGb = sku.MemoryGb,
        MemoryType = sku.MemoryType,
        MemoryBandwidthTbs = sku.MemoryBandwidthTbs,
        Bf16Tflops = sku.Bf16Tflops,
        Fp8Tflops = sku.Fp8Tflops,
        Int8Tops = sku.Int8Tops,
        TdpW = sku.TdpW,
        Process = sku.Process,
        FormFactor = sku.FormFactor,
        SoftwareStack = sku.SoftwareStack,
        Languages = sku.Languages.ToList(),
        ReleaseMonth = sku.ReleaseMonth,
        DatasheetUrl = sku.DatasheetUrl,
        DeviceNamePatterns = string.Join('\n', sku.DeviceNamePatterns),
        Components = sku.Components.Select(c => new SkuComponentRow { Sku = new SkuRef(c.ComponentSkuId, c.Name, c.VendorName), Count = c.Count }).ToList(),
        Version = sku.Version,
    };

    public SkuInput ToInput() => new()
    {
        VendorId = Vendor?.Id,
        Name = Name,
        Category = Category,
        Lifecycle = Lifecycle,
        Publication = Publication,
        EmbargoUntil = Shared.EmbargoDate.ToInput(Publication, EmbargoUntil),
        MemoryGb = MemoryGb,
        MemoryType = MemoryType,
        MemoryBandwidthTbs = MemoryBandwidthTbs,
        Bf16Tflops = Bf16Tflops,
        Fp8Tflops = Fp8Tflops,
        Int8Tops = Int8Tops,
        TdpW = TdpW,
        Process = Process,
        FormFactor = FormFactor,
        SoftwareStack = SoftwareStack,
        Languages = Languages.ToList(),
        ReleaseMonth = ReleaseMonth,
        DatasheetUrl = DatasheetUrl,
        // Blank lines in the text box carry no pattern.
        DeviceNamePatterns = (DeviceNamePatterns ?? "").Split('\n').Select(p => p.Trim()).Where(p => p.Length > 0).ToList(),
        Components = Components.Select(c => new SkuComponentInput { ComponentSkuId = c.Sku?.Id, Count = c.Count }).ToList(),
        Version = Version,
    };
}

public sealed class SkuComponentRow
{
    public SkuRef? Sku { get; set; }
    public int? Count { get; set; } = 1;
}
