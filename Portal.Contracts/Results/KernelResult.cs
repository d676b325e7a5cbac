using System.Text.Json.Serialization;

namespace Portal.Contracts;

/// <summary>Serialised in snake_case: passed, failed, compile_error, … (DESIGN.md "Result (contract)").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KernelStatus>))]
public enum KernelStatus
{
    [JsonStringEnumMemberName("passed")] Passed,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("compile_error")] CompileError,
    [JsonStringEnumMemberName("runtime_error")] RuntimeError,
    [JsonStringEnumMemberName("timeout")] Timeout,
    [JsonStringEnumMemberName("crashed")] Crashed,
    [JsonStringEnumMemberName("unsupported")] Unsupported,
    [JsonStringEnumMemberName("invalid_spec")] InvalidSpec,
}

public static class KernelStatuses
{
    /// <summary><see cref="KernelStatus.Passed"/>'s name, as a constant for queries and switches (a test holds it to <see cref="Name"/>).</summary>
    public const string PassedName = "passed";

    /// <summary>The status as the result contract writes it ("passed", "compile_error", …): what the portal stores as a verdict.</summary>
    public static string Name(this KernelStatus status) =>
        System.Text.Json.JsonSerializer.Serialize(status, KernelResultJson.Options).Trim('"');
}

/// <summary>The device a result was measured on, as discovered by the agent.</summary>
/// <param name="Id">Stable on its host, e.g. "opencl:0:0" (platform 0, device 0) or "cuda:0".</param>
public sealed record DeviceInfo(string Id, string Name, string Vendor, string Runtime, string Driver);

/// <summary>The verdict of one job. Null members are left out of the JSON.</summary>
/// <param name="Message">One line a person can act on.</param>
/// <param name="CompileLog">The driver's build log, when there is one.</param>
/// <param name="BufferDtypes">Each buffer's storage dtype as the kernel saw it (<c>{"a": "bf16", "c": "f32"}</c>, int32 for
/// int buffers), in the op's order; absent when the run stopped before the kernel was compiled, and in older results.</param>
public sealed record KernelResult(
    KernelStatus Status,
    string Message,
    string? CompileLog = null,
    DeviceInfo? Device = null,
    IReadOnlyList<CaseResult>? Cases = null,
    TimingResult? Timing = null,
    IReadOnlyDictionary<string, string>? BufferDtypes = null);

/// <summary>The first wrong element of a case, as a person needs it to start debugging.</summary>
/// <param name="Inputs">The input values that element was computed from, where the op makes that meaningful: the input
/// elements at the same index for elementwise ops, a row's or a column's per-row inputs (<c>gamma[col]</c>, <c>target[row]</c>);
/// absent in older results and where no input element corresponds.</param>
/// <param name="Position">Where the element lies in the op's shape (<c>{"row": 3, "col": 7}</c>), when the op has rows; absent otherwise.</param>
public sealed record Mismatch(string Buffer, long Index, double Expected, double Actual,
    IReadOnlyDictionary<string, double>? Inputs = null, IReadOnlyDictionary<string, long>? Position = null);

/// <summary>
/// A recognised shape of the wrong elements of a buffer, decided by the engine where both whole arrays exist: a stable
/// <see cref="Code"/> (<see cref="MismatchPatterns"/>) that the portal shows in the reader's language, and its figures.
/// </summary>
/// <param name="Parameters">The pattern's figures by name: <c>from</c> and <c>count</c> for a tail, <c>offset</c>,
/// <c>factor</c>, <c>count</c> of non-finite elements.</param>
public sealed record MismatchPattern(string Code, IReadOnlyDictionary<string, double>? Parameters = null);

/// <summary>The codes of <see cref="MismatchPattern"/>: stored in results, so never renamed.</summary>
public static class MismatchPatterns
{
    /// <summary>Every element is zero (the zero fill): the output was not written at all.</summary>
    public const string NotWritten = "not_written";
    /// <summary>Right up to an index, and zero (the zero fill) from there to the end: the last elements were not written.</summary>
    public const string TailNotWritten = "tail_not_written";
    /// <summary>NaN or ±∞ where the reference is finite.</summary>
    public const string NotFinite = "not_finite";
    /// <summary>Every element off by the same constant (<c>offset</c>).</summary>
    public const string ConstantOffset = "constant_offset";
    /// <summary>Every element scaled by the same constant (<c>factor</c>).</summary>
    public const string ConstantScale = "constant_scale";
    /// <summary>The right values, in the wrong places (e.g. transposed, or indices swapped).</summary>
    public const string Permuted = "permuted";

    public static IReadOnlyList<string> All { get; } = [NotWritten, TailNotWritten, NotFinite, ConstantOffset, ConstantScale, Permuted];
}

/// <summary>A checked case, its output buffers taken together.</summary>
/// <param name="Params">Every param of the case, defaults included.</param>
/// <param name="FirstMismatch">The lowest-index wrong element of the first output buffer (in the op's order) that has one.</param>
/// <param name="Distribution">The name of the input distribution ("default", "large", …); absent in results from before it was recorded.</param>
/// <param name="Pattern">What the wrong elements of <paramref name="FirstMismatch"/>'s buffer have in common, when the engine recognised it;
/// absent when it did not, when the case passed, and in older results.</param>
public sealed record CaseResult(
    IReadOnlyDictionary<string, double> Params,
    KernelStatus Status,
    long Elements,
    long Mismatches,
    double MaxAbsError,
    double MaxRelError,
    Mismatch? FirstMismatch,
    string? Distribution = null,
    MismatchPattern? Pattern = null);

/// <summary>
/// Device times of the timed case. Beyond the contract's median, min and p90 it keeps what DESIGN.md asks
/// to store so a number can be judged: n (<paramref name="Iterations"/>), mean, std and max.
/// </summary>
/// <param name="GflopPerSecond">Null for ops without arithmetic (histogram, transpose).</param>
/// <param name="Dtype">The storage dtype the rates are at (the spec's <c>dtype</c>: f32, f16, bf16, …); absent in results from before it was recorded, meaning f32.</param>
/// <param name="MedianRelativeStandardError">The standard error of the median relative to it, when sampling stopped.</param>
/// <param name="StoppedBy">Why sampling stopped: <c>rse</c> (under 1 %), <c>budget</c> (device-time budget spent),
/// <c>max_iterations</c>, or <c>time_limit</c> (the job's timeoutSeconds would not fit another batch).</param>
public sealed record TimingResult(
    IReadOnlyDictionary<string, double> Params,
    int Iterations,
    double MedianMs,
    double MinMs,
    double P90Ms,
    double MeanMs,
    double StdMs,
    double MaxMs,
    double GbPerSecond,
    double? GflopPerSecond,
    string? Dtype = null,
    double? MedianRelativeStandardError = null,
    string? StoppedBy = null)
{
    /// <summary>The FLOP rate in TFLOP/s, as datasheets give it.</summary>
    public double? TflopPerSecond => GflopPerSecond / 1000;
}
