using Portal.Data.Agents;

namespace Portal.Api.Conformance;

/// <summary>
/// How a SKU or a device does on the conformance suite: per language, per storage dtype, per op × dtype × language, and
/// per driver version. Pass rates are passed ÷ suite tests (0–1): an untested kernel counts against the rate, as it is not
/// yet proven.
/// </summary>
public sealed record ConformanceProfileDto(
    string Suite,
    IReadOnlyList<LanguageConformanceDto> Languages,
    IReadOnlyList<OpConformanceDto> Ops,
    IReadOnlyList<DriverConformanceDto> Drivers,
    bool Verified,
    DateTimeOffset? LastResultAt,
    IReadOnlyList<DtypeConformanceDto>? Dtypes = null)
{
    public bool HasResults => Languages.Any(l => l.Tested > 0);
}

/// <param name="Verified">Whether any of the latest results in the language came from a consortium agent.</param>
public sealed record LanguageConformanceDto(string Language, int SuiteTests, int Tested, int Passed, double PassRate, bool Verified);

/// <summary>The suite tests of one op in one dtype (f32, or a variant such as bf16), one cell per language the suite has a kernel for.</summary>
public sealed record OpConformanceDto(string Op, IReadOnlyList<ConformanceCellDto> Cells, string Dtype = "f32");

/// <summary>The suite tests of one storage dtype, across the profile's languages.</summary>
public sealed record DtypeConformanceDto(string Dtype, int SuiteTests, int Tested, int Passed, double PassRate);

/// <summary>A suite test's latest completed outcome; the verdict is null while it has none. Timing is from the result's timed case,
/// left out when <c>Suspect</c> (it implies more than the device can do; the job page says why). <c>Rate</c> is the figure the op is
/// judged by (GFLOP/s for a compute-bound op, GB/s otherwise).</summary>
public sealed record ConformanceCellDto(
    string Language,
    Guid TestId,
    string? Verdict,
    Guid? RunId,
    DateTimeOffset? FinishedAt,
    bool Verified,
    double? MedianMs,
    double? GbPerSecond,
    bool Suspect = false,
    Portal.Api.Runs.MeasuredRate? Rate = null);

/// <summary>The latest verdict per suite test among jobs run under one driver version, in one language.</summary>
public sealed record DriverConformanceDto(string DriverVersion, string Language, int SuiteTests, int Tested, int Passed, double PassRate,
    DateTimeOffset LastResultAt);

/// <summary>A device's profile with what identifies the device.</summary>
public sealed record DeviceConformanceDto(
    Guid AgentId,
    string AgentName,
    string OrganizationName,
    Guid DeviceId,
    string DeviceName,
    string Runtime,
    string DriverVersion,
    Guid? SkuId,
    string? SkuName,
    SkuMapping? SkuMapping,
    ConformanceProfileDto Profile);

/// <summary>
/// How much of a deployment's planned accelerators is proven compatible: per language, the planned units whose SKU has
/// the latest verdict "passed" on every suite test of that language.
/// </summary>
public sealed record DeploymentCoverageDto(Guid DeploymentId, int AcceleratorUnits, IReadOnlyList<LanguageCoverageDto> Languages,
    IReadOnlyList<SkuCoverageDto> Skus);

public sealed record LanguageCoverageDto(string Language, int ProvenUnits, int TotalUnits, double Share);

/// <param name="ProvenLanguages">The languages in which the SKU passes the whole suite.</param>
public sealed record SkuCoverageDto(Guid SkuId, string SkuName, string VendorName, int PlannedUnits, IReadOnlyList<string> ProvenLanguages);
