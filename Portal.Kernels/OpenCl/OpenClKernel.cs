using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// A built OpenCL kernel on its own context and queue. Each launch request uploads the inputs (every buffer between
/// guard zones), then for every launch zero-fills the outputs, flushes the cache when timed, runs the kernel and
/// waits on its event, whose profiling timestamps are the device time; after the last launch it reads the outputs,
/// the guard zones and the inputs back. OpenCL calls block, so a request runs on the thread pool.
/// </summary>
internal sealed class OpenClKernel : IPreparedKernel
{
    private readonly OpenClContext context;
    private readonly ClProgramHandle program;
    private readonly ClKernelHandle kernel;
    private readonly CacheFlush flush;
    private readonly Lock gate = new();
    private volatile bool disposeRequested;
    private bool released;

    public OpenClKernel(OpenClContext context, ClProgramHandle program, ClKernelHandle kernel, string? compileLog, long flushBytes)
    {
        this.context = context;
        this.program = program;
        this.kernel = kernel;
        CompileLog = compileLog;
        flush = new CacheFlush(context, flushBytes);
    }

    public string? CompileLog { get; }

    public Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken) =>
        Task.Run(() => Launch(request, cancellationToken), cancellationToken);

    private LaunchOutcome Launch(LaunchRequest request, CancellationToken cancellationToken)
    {
        // clSetKernelArg on one kernel object is not safe from two threads; the runner launches one at a time anyway.
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(released, this);
            try
            {
                using var buffers = DeviceBuffers.Upload(context, request.Arguments.OfType<BufferArgument>());
                SetArguments(request.Arguments, buffers);
                var (global, local) = WorkSizes(request.Dimensions);
                var warmup = request.Timing?.Warmup ?? 0;
                var launches = request.Timing is { } timing ? timing.Warmup + timing.Iterations : 1;
                var times = request.Timing is null ? null : new List<double>(launches - warmup);
                for (var i = 0; i < launches; i++)
                {
                    // The job's time is spent between launches too; a kernel that never returns needs the
                    // process isolation around this executor.
                    cancellationToken.ThrowIfCancellationRequested();
                    buffers.ZeroOutputs();
                    var timed = times is not null && i >= warmup;
                    // After the zero fill, so the flush evicts the freshly zeroed outputs as well.
                    if (timed)
                        flush.Enqueue();
                    using var done = Enqueue(global, local);
                    Wait(done);
                    if (timed)
                        times!.Add(DeviceMilliseconds(done));
                }
                return LaunchOutcome.Succeeded(buffers.ReadOutputs(), buffers.ReadGuards(), times);
            }
            catch (OpenClException e)
            {
                return LaunchOutcome.Failed(new ExecutionFailure(FailureKind.RuntimeError, e.Message));
            }
            finally
            {
                if (disposeRequested)
                    Release();
            }
        }
    }

    private void SetArguments(IReadOnlyList<KernelArgument> arguments, DeviceBuffers buffers)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var index = (uint)i;
            var status = arguments[i] switch
            {
                BufferArgument b => SetBuffer(index, buffers[b.Name].View),
                IntArgument n => SetInt(index, n.Value),
                FloatArgument f => SetFloat(index, f.Value),
                _ => throw new ArgumentOutOfRangeException(nameof(arguments), arguments[i], "unknown argument kind"),
            };
            context.Check(status, $"clSetKernelArg for parameter {i} ({arguments[i].Name}, {Kind(arguments[i])})");
        }
    }

    private int SetBuffer(uint index, ClMemHandle buffer)
    {
        // The handle stays alive (owned by the launch's DeviceBuffers) for as long as the kernel uses it.
        var raw = buffer.DangerousGetHandle();
        return OpenClNative.clSetKernelArg(kernel, index, (nuint)IntPtr.Size, ref raw);
    }

    private int SetInt(uint index, int value) => OpenClNative.clSetKernelArg(kernel, index, sizeof(int), ref value);

    private int SetFloat(uint index, float value) => OpenClNative.clSetKernelArg(kernel, index, sizeof(float), ref value);

    private static string Kind(KernelArgument argument) => argument switch
    {
        BufferArgument => "a __global buffer",
        IntArgument => "an int",
        _ => "a float",
    };

    private static (nuint[] Global, nuint[]? Local) WorkSizes(Spec.LaunchDimensions dimensions)
    {
        var global = dimensions.Global ?? throw new ArgumentException("an opencl-c launch needs global sizes", nameof(dimensions));
        return ([.. global.Select(g => (nuint)g)], dimensions.Local?.Select(l => (nuint)l).ToArray());
    }

    private ClEventHandle Enqueue(nuint[] global, nuint[]? local)
    {
        var status = OpenClNative.clEnqueueNDRangeKernel(context.Queue, kernel, (uint)global.Length, IntPtr.Zero, global, local,
            0, IntPtr.Zero, out var done);
        if (status == ClStatus.Success)
            return done;
        done.Dispose();
        var shape = $"global [{string.Join(", ", global)}]" + (local is null ? "" : $", local [{string.Join(", ", local)}]");
        var hint = status == ClStatus.InvalidWorkGroupSize && MaxWorkGroupSize() is { } max
            ? $"this kernel allows at most {max} work-items per group on this device, and the local size must match any reqd_work_group_size"
            : null;
        context.Check(status, $"clEnqueueNDRangeKernel ({shape})", hint);
        return done;
    }

    private ulong? MaxWorkGroupSize()
    {
        try
        {
            return ClInfo.Number((nuint s, byte[]? v, out nuint r) =>
                OpenClNative.clGetKernelWorkGroupInfo(kernel, context.Device, ClInfo.KernelWorkGroupSize, s, v, out r),
                "clGetKernelWorkGroupInfo");
        }
        catch (OpenClException)
        {
            return null; // only a hint for the message; the launch error is what gets reported
        }
    }

    /// <summary>Waits for the launch; a kernel that faulted on the device reports it in its event's status.</summary>
    private void Wait(ClEventHandle done)
    {
        var raw = done.DangerousGetHandle();
        var status = OpenClNative.clWaitForEvents(1, ref raw);
        if (status == ClStatus.ExecStatusErrorForEventsInWaitList
            && OpenClNative.clGetEventInfo(done, ClInfo.EventCommandExecutionStatus, sizeof(int), out var execution, out _) == ClStatus.Success
            && execution < 0)
            status = execution;
        context.Check(status, "the kernel launch (clEnqueueNDRangeKernel, then clWaitForEvents)");
    }

    private double DeviceMilliseconds(ClEventHandle done)
    {
        context.Check(OpenClNative.clGetEventProfilingInfo(done, ClInfo.ProfilingCommandStart, sizeof(ulong), out var start, out _),
            "clGetEventProfilingInfo (start)");
        context.Check(OpenClNative.clGetEventProfilingInfo(done, ClInfo.ProfilingCommandEnd, sizeof(ulong), out var end, out _),
            "clGetEventProfilingInfo (end)");
        // A launch shorter than one tick of the device clock reads as one tick: the most it can have taken.
        var nanoseconds = end > start ? end - start : 0;
        return Math.Max(nanoseconds, context.TimerResolutionNs) / 1e6;
    }

    /// <summary>
    /// Releases the device resources now, or, when a launch the runner gave up on is still running, as soon as
    /// that launch returns: disposing must not wait on a kernel that may never finish.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        disposeRequested = true;
        if (gate.TryEnter())
        {
            try
            {
                Release();
            }
            finally
            {
                gate.Exit();
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Called with the gate held.</summary>
    private void Release()
    {
        if (released)
            return;
        released = true;
        flush.Dispose();
        kernel.Dispose();
        program.Dispose();
        context.Dispose();
    }
}
