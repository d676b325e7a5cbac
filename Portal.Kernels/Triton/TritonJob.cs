using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Triton;

/// <summary>
/// What the harness is asked to do, as the job.json it reads: "check" imports the module and finds the entry;
/// "launch" also runs it, every buffer a view into a larger tensor whose <see cref="GuardBytes"/> before it and each
/// argument's AfterBytes after it hold <see cref="Canary"/> (<see cref="GuardZones"/>). Camel-case JSON, null members left out.
/// </summary>
internal sealed record TritonJob(
    string Mode,
    string Module,
    string Entry,
    int Device,
    IReadOnlyList<long>? Grid = null,
    long? NumWarps = null,
    IReadOnlyDictionary<string, long>? Constexprs = null,
    IReadOnlyList<TritonJobArgument>? Args = null,
    TritonJobTiming? Timing = null,
    long? FlushBytes = null,
    long? GuardBytes = null,
    int? Canary = null)
{
    /// <summary>DESIGN.md: flush the L2 between timed launches by writing a buffer larger than it.</summary>
    public const long DefaultFlushBytes = 256L << 20;

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static TritonJob Check(string module, string entry, int device) => new("check", module, entry, device);

    /// <param name="inputFile">The file holding an input buffer's bytes, written by the caller.</param>
    public static TritonJob Launch(string module, string entry, int device, LaunchRequest request, Func<BufferArgument, string> inputFile)
    {
        var dimensions = request.Dimensions;
        var grid = dimensions.Grid ?? throw new ArgumentException("a triton launch needs a grid", nameof(request));
        var args = request.Arguments.Select(argument => argument switch
        {
            BufferArgument buffer => new TritonJobArgument("buffer", buffer.Name, KernelTypes.TorchDtype(buffer.Type), buffer.Length,
                buffer.Role == BufferRole.Input ? "input" : "output", buffer.Role == BufferRole.Input ? inputFile(buffer) : null,
                AfterBytes: GuardZones.AfterZoneBytes(Bytes(buffer))),
            IntArgument integer => new TritonJobArgument("int", integer.Name, Value: integer.Value),
            FloatArgument real => new TritonJobArgument("float", real.Name, Value: real.Value),
            _ => throw new ArgumentException($"argument {argument.Name} has an unknown kind", nameof(request)),
        }).ToList();
        return new TritonJob("launch", module, entry, device, grid, dimensions.NumWarps, dimensions.Constexprs, args,
            request.Timing is { } timing ? new TritonJobTiming(timing.Warmup, timing.Iterations) : null, DefaultFlushBytes,
            GuardZones.MinimumBytes, GuardZones.CanaryInt32);
    }

    /// <summary>The buffer's size in bytes: a float16 or fp8 one need not be a whole number of 32-bit words.</summary>
    public static long Bytes(BufferArgument buffer) => (long)buffer.Length * buffer.Type.SizeInBytes();

    public void WriteTo(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
}

/// <param name="Kind">buffer, int or float.</param>
/// <param name="Type">A buffer's torch dtype (<see cref="KernelTypes.TorchDtype"/>): float32, float16, bfloat16, float8_e4m3fn, float8_e5m2, int32.</param>
/// <param name="Value">An int or float param's value; a float param's float32 value widens to double exactly.</param>
/// <param name="AfterBytes">A buffer's zone after it (<see cref="GuardZones.AfterZoneBytes"/>); the zone before is the job's GuardBytes.</param>
internal sealed record TritonJobArgument(
    string Kind, string Name, string? Type = null, int? Length = null, string? Role = null, string? File = null, double? Value = null,
    long? AfterBytes = null);

internal sealed record TritonJobTiming(int Warmup, int Iterations);

/// <summary>Raw little-endian buffer files, in chunks because a Span&lt;byte&gt; stops at 2 GiB and buffers reach 4 GiB.</summary>
internal static class RawBufferFile
{
    private const int ChunkElements = 1 << 24;

    public static void Write(HostBuffer buffer, string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        for (var offset = 0; offset < buffer.Length; offset += ChunkElements)
        {
            var count = Math.Min(ChunkElements, buffer.Length - offset);
            file.Write(buffer.Bytes(offset, count));
        }
    }

    /// <returns>The buffer, or null with <paramref name="problem"/> when the file is missing or has the wrong size.</returns>
    /// <param name="role">How the problem names the buffer: output, or input for one read back.</param>
    public static HostBuffer? Read(string name, ElementType type, int length, string path, out string? problem, string role = "output")
    {
        var expected = (long)length * type.SizeInBytes();
        var info = new FileInfo(path);
        problem = !info.Exists ? $"{role} {name} was not written"
            : info.Length != expected ? $"{role} {name} has {info.Length} bytes, not {expected} ({type.Name()}[{length}])"
            : null;
        if (problem is not null)
            return null;
        var buffer = HostBuffer.Zeroed(name, type, length);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        for (var offset = 0; offset < length; offset += ChunkElements)
        {
            var count = Math.Min(ChunkElements, length - offset);
            file.ReadExactly(buffer.Bytes(offset, count));
        }
        return buffer;
    }
}
