using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Execution;

/// <summary>One case to launch.</summary>
/// <param name="Arguments">The kernel's parameters in the spec's args order.</param>
/// <param name="Timing">Null for a single correctness launch.</param>
public sealed record LaunchRequest(
    CaseParams Case,
    LaunchDimensions Dimensions,
    IReadOnlyList<KernelArgument> Arguments,
    TimedRepetitions? Timing = null)
{
    public IEnumerable<BufferArgument> Outputs =>
        Arguments.OfType<BufferArgument>().Where(b => b.Role == BufferRole.Output);
}

public sealed record TimedRepetitions(int Warmup, int Iterations);

/// <summary>One kernel parameter: a device buffer, a 32-bit int or a 32-bit float.</summary>
public abstract record KernelArgument(string Name);

/// <param name="Input">The data to copy to the device; null for an output, which starts zero-filled.</param>
public sealed record BufferArgument(string Name, ElementType Type, int Length, BufferRole Role, HostBuffer? Input)
    : KernelArgument(Name);

public sealed record IntArgument(string Name, int Value) : KernelArgument(Name);

public sealed record FloatArgument(string Name, float Value) : KernelArgument(Name);

public enum FailureKind
{
    /// <summary>The source did not compile, or the entry was not found in it.</summary>
    CompileError,

    /// <summary>A launch or a copy failed: bad launch shape, invalid memory access, out of device memory.</summary>
    RuntimeError,

    /// <summary>The executor gave up waiting (e.g. a watchdog), as opposed to the runner's own time limit.</summary>
    Timeout,

    /// <summary>The process running the kernel died; reported by the isolating executor.</summary>
    Crashed,

    /// <summary>The device cannot run this kernel (a missing extension, a runtime that is not installed).</summary>
    Unsupported,
}

/// <param name="Log">The driver's log (build log for a compile error), when there is one.</param>
public sealed record ExecutionFailure(FailureKind Kind, string Message, string? Log = null);

/// <summary>The result of <see cref="IKernelExecutor.PrepareAsync"/>: a kernel or the reason there is none.</summary>
public sealed record Preparation(IPreparedKernel? Kernel, ExecutionFailure? Failure)
{
    public static Preparation Ready(IPreparedKernel kernel) => new(kernel, null);

    public static Preparation Failed(ExecutionFailure failure) => new(null, failure);
}

/// <summary>
/// The result of a launch request: the output buffers, the guard zones and inputs read back after its last launch
/// (<see cref="GuardZones"/>), and the device times when timed; or a failure.
/// </summary>
/// <param name="Guards">One reading per buffer argument.</param>
/// <param name="DeviceTimesMs">One per timed launch, in milliseconds; null for a correctness launch.</param>
public sealed record LaunchOutcome(
    IReadOnlyDictionary<string, HostBuffer>? Outputs,
    IReadOnlyList<GuardReading>? Guards,
    IReadOnlyList<double>? DeviceTimesMs,
    ExecutionFailure? Failure)
{
    public static LaunchOutcome Succeeded(IReadOnlyDictionary<string, HostBuffer> outputs, IReadOnlyList<GuardReading> guards,
        IReadOnlyList<double>? deviceTimesMs = null) =>
        new(outputs, guards, deviceTimesMs, null);

    public static LaunchOutcome Failed(ExecutionFailure failure) => new(null, null, null, failure);
}
