using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>What the simulated kernel gets wrong, if anything.</summary>
public enum Fault
{
    None,

    /// <summary>A loop bound of n − 1 instead of n: the last element of each output is never written.</summary>
    SkipsLastElement,

    /// <summary>Global size rounded down to a multiple of 256: elements past it are never written.</summary>
    LosesTail,

    /// <summary>vector_add computes x − y.</summary>
    WrongFormula,

    /// <summary>Every output 0.1 % too large: a near miss that tolerance must not hide.</summary>
    SlightlyOff,

    /// <summary>Writes nothing; outputs stay zero-filled.</summary>
    WritesZeros,

    /// <summary>The middle element of each output is NaN.</summary>
    OneNaN,

    /// <summary>Computes on its first launch only; later launches leave the zero-filled outputs.</summary>
    LazyAfterFirstLaunch,

    /// <summary>Loads a wrong value for the last element of its first input (an off-by-one in a load).</summary>
    CorruptsLastInput,

    /// <summary>Not a kernel fault but an executor bug: hands back outputs one element short.</summary>
    ShortOutput,

    /// <summary>Right outputs, and one element written just past the end of each (an `i &lt;= n` guard).</summary>
    WritesPastEnd,

    /// <summary>Right outputs, and one element written just before the start of each (index − 1 at 0).</summary>
    WritesBeforeStart,

    /// <summary>Right outputs, and its first input overwritten with zeros afterwards.</summary>
    WritesToInput,

    /// <summary>Right on a single launch; in a timed request, writes past the end of its outputs and leaves them zero.</summary>
    WritesPastEndWhenTimed,

    /// <summary>Not a kernel fault but an executor bug: hands back no guard zones.</summary>
    NoGuardReadings,
}

/// <summary>
/// A test double of the device: an executor that ignores the source and computes the op in float32 on the
/// host (<see cref="Float32Kernels"/>), with an injected <see cref="Fault"/>. It keeps the executor
/// contract (zero-filled outputs before every launch, one device time per timed launch, the guard zones of every
/// buffer and the inputs read back) so that tests of the runner exercise real verdict logic.
/// </summary>
public sealed class SimulatedDevice(KernelLanguage language = KernelLanguage.OpenClC) : IKernelExecutor, IPreparedKernel
{
    public static DeviceInfo Info { get; } = new("sim:0", "Simulated device", "Consortium", "C# float32", "1.0");

    public Fault Fault { get; init; }

    /// <summary>When set, compiling fails this way instead of producing a kernel.</summary>
    public ExecutionFailure? PrepareFailure { get; init; }

    /// <summary>When set, every launch fails this way.</summary>
    public ExecutionFailure? LaunchFailure { get; init; }

    /// <summary>Device time in ms of the i-th timed launch, counting from 0 over the whole run.</summary>
    public Func<int, double> DeviceTime { get; init; } = _ => 1.0;

    /// <summary>Runs before each launch computes, e.g. to move a fake clock or to hang until cancelled.</summary>
    public Func<CancellationToken, Task>? BeforeLaunch { get; init; }

    public bool Supported { get; init; } = true;

    public List<LaunchRequest> Requests { get; } = [];

    public bool Disposed { get; private set; }

    public string? CompileLog { get; init; }

    public KernelLanguage Language => language;

    public ValidatedSpec? Spec { get; private set; }

    private int launches;
    private int timedLaunches;

    public bool SupportsDevice(DeviceInfo device) => Supported;

    public Task<Preparation> PrepareAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken)
    {
        Spec = spec;
        return Task.FromResult(PrepareFailure is { } failure ? Preparation.Failed(failure) : Preparation.Ready(this));
    }

    public async Task<LaunchOutcome> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        if (BeforeLaunch is not null)
            await BeforeLaunch(cancellationToken);
        if (LaunchFailure is { } failure)
            return LaunchOutcome.Failed(failure);

        var repetitions = request.Timing is { } timing ? timing.Warmup + timing.Iterations : 1;
        Dictionary<string, HostBuffer> outputs = [];
        for (var r = 0; r < repetitions; r++)
            outputs = LaunchOnce(request);
        var strayWrite = Fault == Fault.WritesPastEndWhenTimed && request.Timing is not null;
        var times = request.Timing is { } t ? Enumerable.Range(0, t.Iterations).Select(_ => DeviceTime(timedLaunches++)).ToList() : null;
        return new LaunchOutcome(outputs, Fault == Fault.NoGuardReadings ? null : Guards(request, strayWrite), times, null);
    }

    /// <summary>The zones untouched and the inputs as uploaded, but where the fault writes.</summary>
    private List<GuardReading> Guards(LaunchRequest request, bool strayWrite)
    {
        var firstInput = Spec!.Op.Inputs.First().Name;
        return [.. request.Arguments.OfType<BufferArgument>().Select(buffer =>
        {
            var before = GuardZones.Filled(GuardZones.MinimumBytes);
            var after = GuardZones.Filled(GuardZones.MinimumBytes);
            var output = buffer.Role == BufferRole.Output;
            if (output && (Fault == Fault.WritesPastEnd || strayWrite))
                BitConverter.TryWriteBytes(after.AsSpan(0, 4), 1.5f);
            if (output && Fault == Fault.WritesBeforeStart)
                BitConverter.TryWriteBytes(before.AsSpan(^4), 1.5f);
            var input = buffer.Input is { } uploaded && Fault == Fault.WritesToInput && buffer.Name == firstInput
                ? HostBuffer.Zeroed(uploaded.Name, uploaded.Type, uploaded.Length)
                : buffer.Input;
            return new GuardReading(buffer.Name, before, after, input);
        })];
    }

    private Dictionary<string, HostBuffer> LaunchOnce(LaunchRequest request)
    {
        // Zero-filled outputs, as the contract requires of every executor before every launch.
        var outputs = request.Outputs.ToDictionary(o => o.Name, o => HostBuffer.Zeroed(o.Name, o.Type, o.Length));
        var first = launches++ == 0;
        if (Fault == Fault.WritesZeros || (Fault == Fault.LazyAfterFirstLaunch && !first))
            return outputs;
        if (Fault == Fault.WritesPastEndWhenTimed && request.Timing is not null)
            return outputs;

        var inputs = request.Arguments.OfType<BufferArgument>().Where(b => b.Input is not null).ToDictionary(b => b.Name, b => b.Input!);
        if (Fault == Fault.CorruptsLastInput)
            inputs[Spec!.Op.Inputs.First().Name] = WithLastElementChanged(inputs[Spec.Op.Inputs.First().Name]);
        var computed = Float32Kernels.Compute(Spec!.Op.Name, request.Case, inputs);
        if (Fault == Fault.WrongFormula)
            computed = Float32Kernels.Compute("vector_add", request.Case,
                new Dictionary<string, HostBuffer> { ["x"] = inputs["x"], ["y"] = Negated(inputs["y"]) });
        foreach (var (name, output) in outputs)
            Write(computed[name], output);
        return Fault == Fault.ShortOutput
            ? outputs.ToDictionary(o => o.Key, o => HostBuffer.Zeroed(o.Key, o.Value.Type, o.Value.Length - 1))
            : outputs;
    }

    private void Write(HostBuffer computed, HostBuffer output)
    {
        var written = Fault switch
        {
            Fault.SkipsLastElement => output.Length - 1,
            Fault.LosesTail => output.Length / 256 * 256,
            _ => output.Length,
        };
        computed.AsBytes()[..(written * output.Type.SizeInBytes())].CopyTo(output.AsBytes());
        if (output.Type == ElementType.Float32)
        {
            var values = output.AsFloat32();
            if (Fault == Fault.SlightlyOff)
                foreach (ref var v in values)
                    v *= 1.001f;
            if (Fault == Fault.OneNaN)
                values[values.Length / 2] = float.NaN;
        }
    }

    private static HostBuffer WithLastElementChanged(HostBuffer buffer)
    {
        if (buffer.Type == ElementType.Int32)
        {
            int[] ints = [.. buffer.AsInt32()];
            ints[^1] = ints[^1] == 0 ? 1 : 0;
            return HostBuffer.Int32(buffer.Name, ints);
        }
        float[] floats = [.. buffer.AsFloat32()];
        floats[^1] += 1;
        return HostBuffer.Float32(buffer.Name, floats);
    }

    private static HostBuffer Negated(HostBuffer buffer) =>
        HostBuffer.Float32(buffer.Name, [.. buffer.AsFloat32().ToArray().Select(v => -v)]);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
