namespace Portal.Data.Seed;

/// <summary>The shape of demo-seed.json: organisations and alliances, then the registry that refers to them by name.</summary>
public sealed record DemoSeedFile(
    IReadOnlyList<DemoOrganization> Organizations,
    IReadOnlyList<DemoAlliance> Alliances,
    IReadOnlyList<DemoSku> Skus,
    IReadOnlyList<DemoDeployment> Deployments);

public sealed record DemoOrganization(
    string Name,
    string Kind,
    string Country,
    string? Website,
    string? Description,
    IReadOnlyList<string> Alliances);

public sealed record DemoAlliance(string Name, string? Description);

/// <summary>A SKU; <see cref="Released"/> is "YYYY-MM", <see cref="Status"/> the lifecycle.</summary>
public sealed record DemoSku(
    string Vendor,
    string Name,
    string Category,
    double? MemoryGb,
    string? MemoryType,
    double? MemoryBandwidthTBs,
    double? Bf16Tflops,
    double? Fp8Tflops,
    double? Int8Tops,
    double? TdpW,
    string? Process,
    string? FormFactor,
    string? Stack,
    IReadOnlyList<string>? Languages,
    string Status,
    string? Released,
    string? DatasheetUrl,
    IReadOnlyList<string>? DeviceNamePatterns);

public sealed record DemoDeployment(
    string Name,
    string Country,
    string? Region,
    string? Site,
    double? Lat,
    double? Lon,
    string? Ministry,
    IReadOnlyList<string>? Operators,
    IReadOnlyList<string>? Suppliers,
    string Status,
    double? PlannedMw,
    double? InstalledMw,
    IReadOnlyList<string>? EnergySources,
    DemoBudget? Budget,
    IReadOnlyList<DemoMilestone>? Milestones,
    IReadOnlyList<DemoHardwareLine>? Hardware,
    IReadOnlyList<string>? Sources,
    string? Notes);

public sealed record DemoBudget(decimal Amount, string Currency);

/// <summary>A milestone; <see cref="Date"/> is "YYYY-MM-DD".</summary>
public sealed record DemoMilestone(string Date, string Title, string Status, string? Note);

public sealed record DemoHardwareLine(string Vendor, string Sku, int PlannedUnits, int InstalledUnits);
