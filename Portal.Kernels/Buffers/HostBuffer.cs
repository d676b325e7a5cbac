using System.Runtime.InteropServices;

namespace Portal.Kernels.Buffers;

/// <summary>
/// A named buffer in host memory: generated inputs going to a device, or outputs read back from it.
/// Native executors copy through <see cref="AsBytes"/>; the engine reads typed views.
/// </summary>
public sealed class HostBuffer
{
    private readonly float[]? floats;
    private readonly int[]? ints;

    private HostBuffer(string name, float[]? floats, int[]? ints)
    {
        Name = name;
        this.floats = floats;
        this.ints = ints;
    }

    public string Name { get; }

    public ElementType Type => floats is not null ? ElementType.Float32 : ElementType.Int32;

    public int Length => floats?.Length ?? ints!.Length;

    public long SizeInBytes => (long)Length * Type.SizeInBytes();

    public static HostBuffer Float32(string name, float[] data) => new(name, data, null);

    public static HostBuffer Int32(string name, int[] data) => new(name, null, data);

    /// <summary>A zero-filled buffer, as every output buffer is before a launch.</summary>
    public static HostBuffer Zeroed(string name, ElementType type, int length) => type switch
    {
        ElementType.Float32 => Float32(name, new float[length]),
        ElementType.Int32 => Int32(name, new int[length]),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public Span<float> AsFloat32() => FloatArray;

    public Span<int> AsInt32() => IntArray;

    /// <summary>The raw little-endian bytes, for copying to and from device memory.</summary>
    public Span<byte> AsBytes() =>
        floats is not null ? MemoryMarshal.AsBytes(floats.AsSpan()) : MemoryMarshal.AsBytes(ints.AsSpan());

    /// <summary>The backing array, for the engine's parallel loops (spans cannot be captured by lambdas).</summary>
    internal float[] FloatArray =>
        floats ?? throw new InvalidOperationException($"Buffer '{Name}' holds int32, not float32.");

    internal int[] IntArray =>
        ints ?? throw new InvalidOperationException($"Buffer '{Name}' holds float32, not int32.");

    /// <summary>Element <paramref name="index"/> widened to double, whatever the element type.</summary>
    public double this[int index] => floats is not null ? floats[index] : ints![index];
}
