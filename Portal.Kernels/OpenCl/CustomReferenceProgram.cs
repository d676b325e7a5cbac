using System.Runtime.InteropServices;
using System.Text;
using Portal.Kernels.Buffers;
using Portal.Kernels.OpenCl.Interop;
using Portal.Kernels.Ops;

namespace Portal.Kernels.OpenCl;

/// <summary>Why a custom op's reference gave no outputs: the definition is at fault (invalid_spec) or the host cannot run it (unsupported).</summary>
public sealed record ReferenceFailure(bool Unsupported, string Message, string? Log = null);

/// <summary>
/// A custom op's reference (<see cref="CustomReference"/>) built for the host's CPU OpenCL device with cl_khr_fp64 (PoCL):
/// float buffers are <c>double*</c> holding the inputs as the kernel gets them (already rounded to their dtype), int32
/// buffers <c>int*</c>; args are the buffers then the params in the definition's order, int params as <c>int</c> and
/// float params as <c>double</c> (the float32 value the kernel gets). Outputs start zero-filled.
/// </summary>
public sealed class CustomReferenceProgram : IDisposable
{
    private const string Field = "opDefinition.reference";

    // Without the pragma OpenCL C 1.2 compilers may warn about double; #line keeps the log's line numbers the author's.
    private const string Prelude = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n#line 1\n";

    private readonly OpDefinition op;
    private readonly OpenClContext context;
    private readonly ClProgramHandle program;
    private readonly ClKernelHandle kernel;

    private CustomReferenceProgram(OpDefinition op, OpenClContext context, ClProgramHandle program, ClKernelHandle kernel, string deviceName)
    {
        this.op = op;
        this.context = context;
        this.program = program;
        this.kernel = kernel;
        DeviceName = deviceName;
    }

    /// <summary>The CPU device the reference runs on, for messages.</summary>
    public string DeviceName { get; }

    /// <summary>The first available CPU OpenCL device with a compiler and cl_khr_fp64, or why there is none.</summary>
    public static (IntPtr Device, string Name)? FindDevice(out string reason)
    {
        reason = "no CPU OpenCL device with cl_khr_fp64 (double precision) on this host runs custom-op references; install PoCL (apt-get install pocl-opencl-icd)";
        try
        {
            foreach (var platform in ClInfo.Platforms())
            {
                foreach (var device in ClInfo.Devices(platform))
                {
                    if ((ClInfo.DeviceNumber(device, ClInfo.DeviceType) & ClInfo.DeviceTypeCpu) == 0
                        || ClInfo.DeviceNumber(device, ClInfo.DeviceAvailable) == 0
                        || ClInfo.DeviceNumber(device, ClInfo.DeviceCompilerAvailable) == 0)
                        continue;
                    var extensions = ClInfo.DeviceText(device, ClInfo.DeviceExtensions).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (extensions.Contains("cl_khr_fp64"))
                        return (device, ClInfo.DeviceText(device, ClInfo.DeviceName));
                }
            }
        }
        catch (DllNotFoundException)
        {
            reason += " (there is no OpenCL runtime at all)";
        }
        catch (OpenClException e)
        {
            reason += $" (listing OpenCL devices failed: {e.Message})";
        }
        return null;
    }

    /// <summary>Builds the reference on the CPU device; a compile error or a wrong signature is the definition's fault.</summary>
    public static (CustomReferenceProgram? Program, ReferenceFailure? Failure) Build(OpDefinition op)
    {
        var custom = op.Custom ?? throw new ArgumentException($"{op.Name} is not a custom op", nameof(op));
        // As for kernels: an #include of a host file would echo it in the build log.
        if (Spec.KernelSourceCheck.FindProblem(KernelLanguage.OpenClC, custom.Source, "the reference") is { } forbidden)
            return (null, new ReferenceFailure(false, $"{Field}.source: {forbidden}"));
        if (FindDevice(out var reason) is not { } found)
            return (null, new ReferenceFailure(true, reason));
        OpenClContext? context = null;
        ClProgramHandle? program = null;
        ClKernelHandle? kernel = null;
        try
        {
            context = OpenClContext.Create(found.Device);
            program = context.CreateProgram(Prelude + custom.Source);
            var built = OpenClNative.clBuildProgram(program, 1, [found.Device], "-cl-std=CL1.2", IntPtr.Zero, IntPtr.Zero);
            var log = ClInfo.Text((nuint s, byte[]? v, out nuint r) =>
                OpenClNative.clGetProgramBuildInfo(program, found.Device, ClInfo.ProgramBuildLog, s, v, out r), "clGetProgramBuildInfo");
            log = string.IsNullOrWhiteSpace(log) ? null : log;
            if (built != ClStatus.Success)
            {
                var first = log?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
                return (null, new ReferenceFailure(false,
                    $"{Field}: the reference does not compile on {found.Name}: {first ?? ClStatus.Name(built)}", Execution.HostPaths.Redact(log)));
            }
            kernel = OpenClNative.clCreateKernel(program, custom.Entry, out var status);
            if (status != ClStatus.Success)
                return (null, new ReferenceFailure(false, $"{Field}.entry: the reference source has no __kernel function '{custom.Entry}'", log));
            var count = ClInfo.Number((nuint s, byte[]? v, out nuint r) =>
                OpenClNative.clGetKernelInfo(kernel, ClInfo.KernelNumArgs, s, v, out r), "clGetKernelInfo");
            var expected = op.ArgumentNames.ToList();
            if ((int)count != expected.Count)
                return (null, new ReferenceFailure(false,
                    $"{Field}: '{custom.Entry}' takes {count} parameters; a reference takes the buffers then the params: {string.Join(", ", expected)}", log));
            var ready = new CustomReferenceProgram(op, context, program, kernel, found.Name);
            (context, program, kernel) = (null, null, null);
            return (ready, null);
        }
        catch (OpenClException e)
        {
            return (null, new ReferenceFailure(false, $"{Field}: setting up the reference on {found.Name} failed: {e.Message}"));
        }
        finally
        {
            kernel?.Dispose();
            program?.Dispose();
            context?.Dispose();
        }
    }

    /// <summary>Runs the reference for one case: one double array per output buffer.</summary>
    public (IReadOnlyDictionary<string, double[]>? Outputs, ReferenceFailure? Failure) Run(CaseParams parameters,
        IReadOnlyDictionary<string, HostBuffer> inputs)
    {
        var custom = op.Custom!;
        var memories = new List<ClMemHandle>();
        try
        {
            var index = 0u;
            var outputs = new List<(BufferDefinition Buffer, ClMemHandle Memory, int Length)>();
            foreach (var buffer in op.Buffers)
            {
                var length = checked((int)buffer.Length(parameters));
                var isInt = buffer.Type == ElementType.Int32;
                var bytes = isInt
                    ? MemoryMarshal.AsBytes(buffer.Role == BufferRole.Input ? inputs[buffer.Name].AsInt32() : new int[length]).ToArray()
                    : MemoryMarshal.AsBytes<double>(buffer.Role == BufferRole.Input ? inputs[buffer.Name].ToDoubles() : new double[length]).ToArray();
                var memory = OpenClNative.clCreateBuffer(context.Handle, 1 /* read-write */, (nuint)bytes.Length, IntPtr.Zero, out var status);
                memories.Add(memory);
                context.Check(status, $"clCreateBuffer for {buffer.Name}");
                context.Check(OpenClNative.clEnqueueWriteBuffer(context.Queue, memory, 1, 0, (nuint)bytes.Length, ref bytes[0], 0, IntPtr.Zero, IntPtr.Zero),
                    $"clEnqueueWriteBuffer for {buffer.Name}");
                var raw = memory.DangerousGetHandle();
                context.Check(OpenClNative.clSetKernelArg(kernel, index++, (nuint)IntPtr.Size, ref raw), $"clSetKernelArg for {buffer.Name}");
                if (buffer.Role == BufferRole.Output)
                    outputs.Add((buffer, memory, length));
            }
            foreach (var param in op.Params)
            {
                var status = param.Kind == ParamKind.Int
                    ? SetInt(index++, parameters.Int32(param.Name))
                    : SetDouble(index++, parameters.Float(param.Name));
                context.Check(status, $"clSetKernelArg for {param.Name}");
            }
            var dimensions = custom.Launch.Evaluate(parameters);
            var global = dimensions.Global!.Select(g => (nuint)g).ToArray();
            var local = dimensions.Local?.Select(l => (nuint)l).ToArray();
            context.Check(OpenClNative.clEnqueueNDRangeKernel(context.Queue, kernel, (uint)global.Length, IntPtr.Zero, global, local, 0, IntPtr.Zero,
                out var done), "clEnqueueNDRangeKernel");
            using (done)
            {
                var raw = done.DangerousGetHandle();
                context.Check(OpenClNative.clWaitForEvents(1, ref raw), "clWaitForEvents");
            }
            var results = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var (buffer, memory, length) in outputs)
            {
                if (buffer.Type == ElementType.Int32)
                {
                    var values = new int[length];
                    Read(memory, MemoryMarshal.AsBytes(values.AsSpan()), buffer.Name);
                    results[buffer.Name] = [.. values.Select(v => (double)v)];
                }
                else
                {
                    var values = new double[length];
                    Read(memory, MemoryMarshal.AsBytes(values.AsSpan()), buffer.Name);
                    results[buffer.Name] = values;
                }
            }
            return (results, null);
        }
        catch (OpenClException e)
        {
            return (null, new ReferenceFailure(false, $"{Field}: running the reference on {DeviceName} failed for {parameters}: {e.Message}"));
        }
        finally
        {
            foreach (var memory in memories)
                memory.Dispose();
        }
    }

    private int SetInt(uint index, int value) => OpenClNative.clSetKernelArg(kernel, index, sizeof(int), ref value);

    private int SetDouble(uint index, double value) => OpenClNative.clSetKernelArg(kernel, index, sizeof(double), ref value);

    private void Read(ClMemHandle memory, Span<byte> destination, string name) =>
        context.Check(OpenClNative.clEnqueueReadBuffer(context.Queue, memory, 1, 0, (nuint)destination.Length, ref destination[0], 0, IntPtr.Zero,
            IntPtr.Zero), $"clEnqueueReadBuffer for {name}");

    public void Dispose()
    {
        kernel.Dispose();
        program.Dispose();
        context.Dispose();
    }
}
