using Portal.Api.Deployments;

namespace Portal.Components.Deployments;

/// <summary>The editable state of one hardware line, turned into the API's input on save.</summary>
public sealed class HardwareLineModel
{
    public Guid? Id { get; init; }
    public SkuChoice? Sku { get; set; }
    public long? PlannedUnits { get; set; }
    public long? InstalledUnits { get; set; } = 0;
    public uint? Version { get; init; }

    public static HardwareLineModel From(HardwareLineDto line) => new()
    {
        Id = line.Id,
        Sku = new SkuChoice(line.SkuId, line.SkuName, line.Vendor.Name, line.Category, line.Bf16Tflops),
        PlannedUnits = line.PlannedUnits,
        InstalledUnits = line.InstalledUnits,
        Version = line.Version,
    };

    public HardwareLineInput ToInput() => new() { SkuId = Sku?.Id, PlannedUnits = PlannedUnits, InstalledUnits = InstalledUnits, Version = Version };
}
