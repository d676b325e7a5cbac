using Portal.Kernels.Cuda.Native;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Cuda;

/// <summary>
/// A compiled cuda-c kernel in the device's primary context. Each launch request allocates its buffers between guard
/// zones (<see cref="CudaDeviceBuffers"/>), copies the inputs, zero-fills the outputs before every launch
/// (cuMemsetD32), and for timed launches writes a scratch buffer larger than the L2 before each one and times it with
/// a pair of events around the launch alone; after the last launch it reads the outputs, the zones and the inputs
/// back. All work goes to the legacy default stream, so it runs in the order it was issued.
/// </summary>
internal sealed class CudaPreparedKernel : IPreparedKernel
{
    /// <summary>DESIGN.md: flush by writing a buffer larger than the last-level cache; 256 MiB covers every GPU's L2 today.</summary>
    private const long MinimumFlushBytes = 256L << 20;

    /// <summary>Dynamic shared memory above this needs the function's opt-in attribute.</summary>
    private const int DefaultSharedBytesLimit = 48 * 1024;

    private readonly CudaPrimaryContext context;
    private readonly CudaModule module;
    private readonly IntPtr function;
    private readonly CudaDriverApi api;
    private readonly long flushBytes;
    private CudaDeviceMemory? flush;
    private int sharedBytesOptedIn = DefaultSharedBytesLimit;
    private bool hasLaunched;
    private bool abandoned;

    /// <param name="l2Bytes">The device's L2 size; the flush buffer is at least four times it.</param>
    public CudaPreparedKernel(CudaPrimaryContext context, CudaModule module, IntPtr function, string? compileLog, int l2Bytes)
    {
        this.context = context;
        this.module = module;
        this.function = function;
        api = context.Api;
        flushBytes = Math.Max(MinimumFlushBytes, 4L * l2Bytes);
        CompileLog = compileLog;
    }

    public string? CompileLog { get; }

    public Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) =>
        Task.Run(() => Launch(request, cancellationToken), cancellationToken);

    private LaunchOutcome Launch(LaunchRequest request, CancellationToken cancellationToken)
    {
        CudaDeviceBuffers? buffers = null;
        try
        {
            context.MakeCurrent();
            buffers = CudaDeviceBuffers.Upload(context, request.Arguments.OfType<BufferArgument>());
            using var parameters = new CudaKernelParameters(request.Arguments, buffers.PointerOf);
            var shape = CudaLaunchShape.From(request.Dimensions);
            OptInToSharedMemory(shape.SharedBytes);
            var plan = new LaunchPlan(this, shape, parameters.Pointer, buffers);

            IReadOnlyList<double>? times = null;
            if (request.Timing is { } timing)
                times = LaunchTimed(plan, timing, cancellationToken);
            else
                LaunchAndWait(plan, cancellationToken);
            return LaunchOutcome.Succeeded(buffers.ReadOutputs(), buffers.ReadGuards(), times);
        }
        catch (CudaException e)
        {
            return LaunchOutcome.Failed(new ExecutionFailure(FailureKind.RuntimeError, e.Message));
        }
        catch (OperationCanceledException)
        {
            // The kernel may still be running, and freeing its memory would wait for it: leave everything to the
            // process's end (the agent isolates each job in a child process) rather than block the caller.
            abandoned = true;
            buffers?.Abandon();
            throw;
        }
        finally
        {
            buffers?.Dispose();
        }
    }

    private void LaunchAndWait(LaunchPlan plan, CancellationToken cancellationToken)
    {
        using var done = CudaEvent.Create(context);
        plan.ZeroOutputs();
        plan.Launch();
        Record(done);
        WaitFor(done, cancellationToken);
        hasLaunched = true;
    }

    private List<double> LaunchTimed(LaunchPlan plan, TimedRepetitions timing, CancellationToken cancellationToken)
    {
        // The first launch of a function loads it (lazy module loading); that must never fall inside a timed interval.
        var warmup = hasLaunched ? timing.Warmup : Math.Max(1, timing.Warmup);
        for (var i = 0; i < warmup; i++)
        {
            plan.ZeroOutputs();
            plan.Launch();
            cancellationToken.ThrowIfCancellationRequested();
        }
        flush ??= CudaDeviceMemory.Allocate(context, flushBytes);
        var events = new List<(CudaEvent Start, CudaEvent End)>(timing.Iterations);
        try
        {
            for (var i = 0; i < timing.Iterations; i++)
            {
                var pair = (CudaEvent.Create(context), CudaEvent.Create(context));
                events.Add(pair);
                plan.ZeroOutputs();
                // Issued before the start event, so the flush is outside the interval and the launch is queued behind it.
                api.Check(api.cuMemsetD32(flush.Pointer, (uint)i, (nuint)(flushBytes / sizeof(int))), nameof(api.cuMemsetD32));
                Record(pair.Item1);
                plan.Launch();
                Record(pair.Item2);
                cancellationToken.ThrowIfCancellationRequested();
            }
            WaitFor(events[^1].End, cancellationToken);
            hasLaunched = true;
            return [.. events.Select(pair => (double)ElapsedMs(pair.Start, pair.End))];
        }
        finally
        {
            foreach (var (start, end) in events)
            {
                start.Dispose();
                end.Dispose();
            }
        }
    }

    private void Record(CudaEvent cudaEvent) =>
        api.Check(api.cuEventRecord(cudaEvent.Pointer, IntPtr.Zero), nameof(api.cuEventRecord));

    private float ElapsedMs(CudaEvent start, CudaEvent end)
    {
        api.Check(api.cuEventElapsedTime(out var ms, start.Pointer, end.Pointer), nameof(api.cuEventElapsedTime));
        return ms;
    }

    /// <summary>
    /// Polls instead of cuEventSynchronize so that the job's time limit can interrupt the wait; a kernel's
    /// asynchronous fault (an illegal address, say) is reported here.
    /// </summary>
    private void WaitFor(CudaEvent done, CancellationToken cancellationToken)
    {
        var spinner = new SpinWait();
        while (true)
        {
            var status = api.cuEventQuery(done.Pointer);
            if (status == CudaDriverApi.Success)
                return;
            if (status != CudaDriverApi.NotReady)
                throw api.Error(status, nameof(api.cuEventQuery));
            cancellationToken.ThrowIfCancellationRequested();
            spinner.SpinOnce();
        }
    }

    private void OptInToSharedMemory(uint sharedBytes)
    {
        if (sharedBytes <= sharedBytesOptedIn)
            return;
        api.Check(api.cuFuncSetAttribute(function, CudaDriverApi.FunctionAttributeMaxDynamicSharedSizeBytes, (int)sharedBytes),
            nameof(api.cuFuncSetAttribute));
        sharedBytesOptedIn = (int)sharedBytes;
    }

    /// <summary>One request's launch: its shape, its parameter block and the buffers whose outputs are zeroed before each launch.</summary>
    private sealed class LaunchPlan(CudaPreparedKernel kernel, CudaLaunchShape shape, IntPtr parameters, CudaDeviceBuffers buffers)
    {
        private readonly CudaDriverApi api = kernel.api;

        public void ZeroOutputs() => buffers.ZeroOutputs();

        public void Launch() => api.Check(api.cuLaunchKernel(kernel.function, shape.GridX, shape.GridY, shape.GridZ,
            shape.BlockX, shape.BlockY, shape.BlockZ, shape.SharedBytes, IntPtr.Zero, parameters, IntPtr.Zero), nameof(api.cuLaunchKernel));
    }

    public ValueTask DisposeAsync()
    {
        if (abandoned)
        {
            flush?.SetHandleAsInvalid();
            module.SetHandleAsInvalid();
            context.SetHandleAsInvalid();
        }
        flush?.Dispose();
        module.Dispose();
        context.Dispose();
        return ValueTask.CompletedTask;
    }
}
