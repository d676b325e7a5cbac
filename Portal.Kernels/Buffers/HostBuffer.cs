using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Kernels.Buffers;

/// <summary>
/// A named buffer in host memory: generated inputs going to a device, or outputs read back from it. Float32 and
/// int32 elements live in typed arrays; the narrow float formats (float16, bfloat16, fp8) as their raw bits, which
/// <see cref="FloatFormats"/> turns into values. Native executors copy through <see cref="AsBytes"/> and
/// <see cref="FirstByte"/>; the engine reads values as double.
/// </summary>
public sealed class HostBuffer
{
    private readonly float[]? floats;
    private readonly int[]? ints;
    private readonly ushort[]? halves;
    private readonly byte[]? quarters;

    private HostBuffer(string name, ElementType type, float[]? floats = null, int[]? ints = null, ushort[]? halves = null, byte[]? quarters = null)
    {
        Name = name;
        Type = type;
        this.floats = floats;
        this.ints = ints;
        this.halves = halves;
        this.quarters = quarters;
        Length = floats?.Length ?? ints?.Length ?? halves?.Length ?? quarters!.Length;
    }

    public string Name { get; }

    public ElementType Type { get; }

    public int Length { get; }

    public long SizeInBytes => (long)Length * Type.SizeInBytes();

    public static HostBuffer Float32(string name, float[] data) => new(name, ElementType.Float32, floats: data);

    public static HostBuffer Int32(string name, int[] data) => new(name, ElementType.Int32, ints: data);

    /// <summary>A float16 or bfloat16 buffer from its elements' bits.</summary>
    public static HostBuffer Bits16(string name, ElementType type, ushort[] bits) =>
        type.SizeInBytes() == 2 ? new(name, type, halves: bits) : throw new ArgumentOutOfRangeException(nameof(type), type, null);

    /// <summary>An fp8 buffer from its elements' bits.</summary>
    public static HostBuffer Bits8(string name, ElementType type, byte[] bits) =>
        type.SizeInBytes() == 1 && type.IsFloat() ? new(name, type, quarters: bits) : throw new ArgumentOutOfRangeException(nameof(type), type, null);

    /// <summary>A zero-filled buffer, as every output buffer is before a launch (all-zero bits are +0 in every format).</summary>
    public static HostBuffer Zeroed(string name, ElementType type, int length) => type switch
    {
        ElementType.Float32 => Float32(name, new float[length]),
        ElementType.Int32 => Int32(name, new int[length]),
        ElementType.Float16 or ElementType.BFloat16 => Bits16(name, type, new ushort[length]),
        _ => Bits8(name, type, new byte[length]),
    };

    /// <summary>
    /// A buffer of <paramref name="type"/> holding <paramref name="values"/>, each rounded to the type
    /// (<see cref="FloatFormats.Round"/>; int32 values must be integers in range).
    /// </summary>
    public static HostBuffer FromValues(string name, ElementType type, int length, Func<int, double> value)
    {
        var buffer = Zeroed(name, type, length);
        ChunkedParallel.For(length, (from, to) =>
        {
            for (var i = from; i < to; i++)
                buffer.Set(i, value(i));
        });
        return buffer;
    }

    public Span<float> AsFloat32() => FloatArray;

    public Span<int> AsInt32() => IntArray;

    /// <summary>The raw little-endian bytes, for copying to and from device memory (up to 2 GiB; see <see cref="FirstByte"/>).</summary>
    public Span<byte> AsBytes() => Bytes(0, Length);

    /// <summary>The bytes of elements [<paramref name="from"/>, from + <paramref name="count"/>).</summary>
    public Span<byte> Bytes(int from, int count) => Type switch
    {
        ElementType.Float32 => MemoryMarshal.AsBytes(floats.AsSpan(from, count)),
        ElementType.Int32 => MemoryMarshal.AsBytes(ints.AsSpan(from, count)),
        ElementType.Float16 or ElementType.BFloat16 => MemoryMarshal.AsBytes(halves.AsSpan(from, count)),
        _ => quarters.AsSpan(from, count),
    };

    /// <summary>The first byte of the backing array, for copies of any size (a Span&lt;byte&gt; stops at 2 GiB).</summary>
    public ref byte FirstByte()
    {
        if (floats is not null)
            return ref Unsafe.As<float, byte>(ref MemoryMarshal.GetArrayDataReference(floats));
        if (ints is not null)
            return ref Unsafe.As<int, byte>(ref MemoryMarshal.GetArrayDataReference(ints));
        if (halves is not null)
            return ref Unsafe.As<ushort, byte>(ref MemoryMarshal.GetArrayDataReference(halves));
        return ref MemoryMarshal.GetArrayDataReference(quarters!);
    }

    /// <summary>The backing array, for the engine's parallel loops (spans cannot be captured by lambdas).</summary>
    internal float[] FloatArray =>
        floats ?? throw new InvalidOperationException($"Buffer '{Name}' holds {Type.Name()}, not float32.");

    internal int[] IntArray =>
        ints ?? throw new InvalidOperationException($"Buffer '{Name}' holds {Type.Name()}, not int32.");

    /// <summary>Element <paramref name="index"/> as a double (exact for every type), whatever the element type.</summary>
    public double this[int index] => Type switch
    {
        ElementType.Float32 => floats![index],
        ElementType.Int32 => ints![index],
        ElementType.Float16 or ElementType.BFloat16 => FloatFormats.Decode(halves![index], Type),
        _ => FloatFormats.Decode(quarters![index], Type),
    };

    /// <summary>Every element as a double, for references that work in double whatever the storage type.</summary>
    public double[] ToDoubles()
    {
        var values = new double[Length];
        ChunkedParallel.For(Length, (from, to) =>
        {
            for (var i = from; i < to; i++)
                values[i] = this[i];
        });
        return values;
    }

    private void Set(int index, double value)
    {
        switch (Type)
        {
            case ElementType.Float32:
                floats![index] = (float)value;
                break;
            case ElementType.Int32:
                ints![index] = checked((int)value);
                break;
            case ElementType.Float16 or ElementType.BFloat16:
                halves![index] = (ushort)FloatFormats.Encode(value, Type);
                break;
            default:
                quarters![index] = (byte)FloatFormats.Encode(value, Type);
                break;
        }
    }
}
