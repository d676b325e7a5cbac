using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Execution;

/// <summary>
/// A backend that compiles and launches kernels of one language on a device: OpenCL, CUDA (NVRTC) and
/// Triton implement it; tests implement it in C# to stand in for a device. The runner decides the verdict;
/// an executor only reports what happened, as data: what the kernel did (did not compile, faulted, is not
/// supported) is a <see cref="ExecutionFailure"/>, and an exception means the executor itself is broken.
/// </summary>
public interface IKernelExecutor
{
    KernelLanguage Language { get; }

    /// <summary>Whether this executor can run kernels on the device (e.g. the CUDA one only on CUDA devices).</summary>
    bool SupportsDevice(DeviceInfo device);

    /// <summary>
    /// Compiles the spec's source for the device and finds its entry. Cancellation of
    /// <paramref name="cancellationToken"/> means the job's time is up: stop and throw
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken);
}

/// <summary>A compiled kernel, ready to be launched for each case; disposing releases its device resources.</summary>
public interface IPreparedKernel : IAsyncDisposable
{
    /// <summary>The build log of a successful compile (warnings), or null.</summary>
    string? CompileLog { get; }

    /// <summary>
    /// Copies the inputs to the device, allocates the outputs and launches, then reads the outputs back.
    /// Every buffer lies between guard zones filled with <see cref="Buffers.GuardZones.Canary"/> once per request;
    /// after the last launch the zones and the inputs are read back too (<see cref="LaunchOutcome.Guards"/>), never
    /// between launches, so checking costs no timed launch anything.
    /// Every launch, warm-up and timed ones included, is preceded by zero-filling every output buffer on the
    /// device, so a kernel cannot pass by leaving results from an earlier launch in place. With
    /// <see cref="LaunchRequest.Timing"/> set: Warmup untimed launches, then Iterations timed ones, each
    /// timed on the device (events) after the last-level cache was flushed by writing a buffer larger than
    /// it; neither the zero-fill nor the flush is inside the timed interval. The outputs returned are those
    /// of the last launch.
    /// </summary>
    Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken);
}
