namespace Portal.Api.Regressions;

/// <summary>
/// A test that passed on the SKU (or device) and whose latest result there is a failure (failed, compile or runtime error,
/// timeout, crash): the job that fails and the latest one that passed before it, with their driver versions when the agents
/// reported them. <c>SkuId</c> is null for a device's result that counts toward no SKU (an unmapped device).
/// </summary>
public sealed record RegressionDto(
    Guid? SkuId,
    string? SkuName,
    Guid TestId,
    string TestName,
    string Language,
    string Verdict,
    Guid FailedJobId,
    DateTimeOffset FailedAt,
    string? FailedDriver,
    bool FailedVerified,
    Guid PassedJobId,
    DateTimeOffset PassedAt,
    string? PassedDriver);

/// <summary>
/// The driver version under which a test first passed on a SKU (as gpuinfo.org records a feature's first driver), with the
/// job that showed it, and the test's latest verdict there now.
/// </summary>
public sealed record FirstPassingDriverDto(
    Guid TestId,
    string TestName,
    string Op,
    string Dtype,
    string Language,
    string? Driver,
    DateTimeOffset FirstPassedAt,
    Guid FirstPassedJobId,
    string? LatestVerdict);

/// <summary>A SKU's regressions and first passing drivers, as its page shows them.</summary>
public sealed record SkuRegressionsDto(Guid SkuId, IReadOnlyList<RegressionDto> Regressions, IReadOnlyList<FirstPassingDriverDto> FirstPassingDrivers);
