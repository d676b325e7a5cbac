using Portal.Data.Deployments;

namespace Portal.Api.Charts;

/// <summary>What a SKU's charts draw: its best measured rate per op next to the datasheet, and its pass rate per driver.</summary>
/// <param name="DatasheetGbPerSecond">The datasheet's memory bandwidth (TB/s × 1000); null when not published.</param>
/// <param name="DatasheetBf16GflopPerSecond">The datasheet's BF16 TFLOP/s × 1000; null when not published.</param>
/// <param name="DatasheetFp8GflopPerSecond">The datasheet's FP8 TFLOP/s × 1000; null when not published.</param>
public sealed record SkuChartsDto(
    Guid SkuId,
    string SkuName,
    double? DatasheetGbPerSecond,
    double? DatasheetBf16GflopPerSecond,
    double? DatasheetFp8GflopPerSecond,
    IReadOnlyList<OpRateDto> Ops,
    IReadOnlyList<DriverPassRateDto> Drivers)
{
    /// <summary>The highest FLOP rate the datasheet gives: the roof of the roofline.</summary>
    public double? PeakGflopPerSecond => DatasheetBf16GflopPerSecond is { } bf16
        ? Math.Max(bf16, DatasheetFp8GflopPerSecond ?? 0)
        : DatasheetFp8GflopPerSecond;
}

/// <summary>
/// The best passed, not suspect timing of one op at one dtype on the SKU: by GFLOP/s for compute-bound ops, by GB/s for the
/// others; both figures are of that one result, so its arithmetic intensity (FLOP per byte) places it on the roofline.
/// </summary>
/// <param name="Results">How many passed, timed results of the op at the dtype took part.</param>
public sealed record OpRateDto(string Op, string Dtype, bool ComputeBound, double? GbPerSecond, double? GflopPerSecond, int Results, Guid JobId)
{
    /// <summary>FLOP per byte moved, when both rates are known.</summary>
    public double? Intensity => GbPerSecond > 0 && GflopPerSecond > 0 ? GflopPerSecond / GbPerSecond : null;
}

/// <summary>
/// Of the tests run on the SKU with one driver version in one language, how many passed: each test's latest verdict with
/// that driver; <c>unsupported</c> and <c>invalid_spec</c> say nothing about the driver and are left out.
/// </summary>
/// <param name="FirstSeen">The driver's earliest counted result, which orders the drivers along the axis.</param>
public sealed record DriverPassRateDto(string Driver, string Language, int Passed, int Tested, DateTimeOffset FirstSeen)
{
    public double Rate => Tested == 0 ? 0 : (double)Passed / Tested;
}

/// <summary>The spread of one job's timed case: the device times the agent recorded, in milliseconds.</summary>
/// <param name="Test">The test's name (a suite run has one test per job).</param>
/// <param name="Device">The device that ran it, as recorded with the result.</param>
public sealed record JobTimingDto(
    Guid JobId,
    string Test,
    string Op,
    string? Device,
    string Verdict,
    int Iterations,
    double MinMs,
    double MedianMs,
    double P90Ms,
    double MaxMs,
    bool Suspect);

/// <summary>The deployments' charts: milestones along time, planned against installed, and domestic share by country.</summary>
public sealed record DeploymentChartsDto(
    DateOnly Today,
    IReadOnlyList<TimelineMilestoneDto> Milestones,
    IReadOnlyList<ProjectCapacityDto> Projects,
    IReadOnlyList<DomesticShareDto> Countries);

/// <param name="Overdue">By <see cref="MilestoneSchedule"/>, the one meaning of overdue.</param>
public sealed record TimelineMilestoneDto(Guid DeploymentId, string Deployment, string Country, DateOnly Date, string Title, MilestoneStatus Status, bool Overdue);

/// <summary>One deployment's power (MW, null where not stated) and accelerator units, planned and installed.</summary>
public sealed record ProjectCapacityDto(
    Guid Id,
    string Name,
    string Country,
    double? PlannedMw,
    double? InstalledMw,
    long PlannedAccelerators,
    long InstalledAccelerators);

/// <summary>
/// Accelerator units planned in the deployments of one country: from vendors of that country (domestic) or not.
/// </summary>
public sealed record DomesticShareDto(string Country, long Domestic, long Foreign)
{
    public double Share => Domestic + Foreign == 0 ? 0 : (double)Domestic / (Domestic + Foreign);
}
