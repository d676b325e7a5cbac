using System.Globalization;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Buffers;

/// <summary>
/// DESIGN.md "Out-of-bounds writes". Every buffer a kernel gets lies inside one larger allocation, between a zone
/// before it and a zone after it filled with <see cref="Canary"/>: an OpenCL sub-buffer, a CUDA offset pointer, a
/// Triton view. After each checked launch request the executor reads both zones of every buffer and every input back
/// (<see cref="GuardReading"/>); what the kernel changed is found here, the same way for every executor. A write
/// past a zone lands in memory nobody checks (or faults), so the zones are made wide.
/// </summary>
public static class GuardZones
{
    /// <summary>Each zone's least size: 64 KiB, which catches a write up to 16,384 float32 elements past either end.</summary>
    public const int MinimumBytes = 64 * 1024;

    /// <summary>
    /// The word repeated through every zone, little-endian from the allocation's start: a signalling NaN as float32
    /// (arithmetic only ever makes quiet ones) and an unlikely int32, so a kernel does not write it by chance.
    /// </summary>
    public const uint Canary = 0x7FA1C0DE;

    /// <summary><see cref="Canary"/> as the int a fill call takes.</summary>
    public static int CanaryInt32 => unchecked((int)Canary);

    /// <summary>
    /// The zone before a buffer: <see cref="MinimumBytes"/> rounded up to a multiple of the device's base-address
    /// alignment, so the buffer inside starts where an allocation of its own would (OpenCL requires it of a
    /// sub-buffer's origin; CUDA and Triton kernels assume 16-byte-aligned pointers).
    /// </summary>
    public static long BeforeBytes(long alignmentBytes) =>
        alignmentBytes <= 1 ? MinimumBytes : (MinimumBytes + alignmentBytes - 1) / alignmentBytes * alignmentBytes;

    /// <summary>The zone after a buffer when the buffer is a whole number of canary words.</summary>
    public const long AfterBytes = MinimumBytes;

    /// <summary>
    /// The zone after a buffer of <paramref name="bufferBytes"/>: <see cref="AfterBytes"/>, plus what makes the whole
    /// allocation a whole number of canary words (a float16 or fp8 buffer need not be). The zone starts right at the
    /// buffer's end, so even a write one element past it is caught; the canary there is out of step by
    /// <see cref="Phase"/> bytes.
    /// </summary>
    public static long AfterZoneBytes(long bufferBytes) => AfterBytes + (sizeof(uint) - bufferBytes % sizeof(uint)) % sizeof(uint);

    /// <summary>Where in the canary word the zone after a buffer of <paramref name="bufferBytes"/> starts.</summary>
    public static int Phase(long bufferBytes) => (int)(bufferBytes % sizeof(uint));

    /// <summary>A zone as it is before any launch, for executors that fill from the host and for tests.</summary>
    /// <param name="phase">The byte of the canary word the zone starts at (the allocation is filled from its start).</param>
    public static byte[] Filled(long bytes, int phase = 0)
    {
        var zone = new byte[bytes];
        for (var i = 0; i < zone.Length; i++)
            zone[i] = (byte)(Canary >> (8 * ((i + phase) % sizeof(uint))));
        return zone;
    }

    /// <summary>
    /// What the kernel did outside its outputs, one line per buffer it touched: a changed zone ("out of bounds") or a
    /// changed input ("wrote to input"). Empty when it kept to its outputs. The executor's readings must cover every
    /// buffer (<see cref="FindMissingReading"/> says when they do not).
    /// </summary>
    public static IReadOnlyList<string> FindStrayWrites(IEnumerable<BufferArgument> buffers, IReadOnlyList<GuardReading> readings)
    {
        var problems = new List<string>();
        foreach (var buffer in buffers)
        {
            var reading = readings.First(r => r.Buffer == buffer.Name);
            if (FindZoneWrite(buffer, reading.Before, GuardSide.Before) is { } before)
                problems.Add(before);
            if (FindZoneWrite(buffer, reading.After, GuardSide.After) is { } after)
                problems.Add(after);
            if (buffer.Input is { } input && FindInputChange(input, reading.Input!) is { } changed)
                problems.Add(changed);
        }
        return problems;
    }

    /// <summary>Null when every buffer has a reading of the right shape, otherwise what is wrong with it (an executor bug).</summary>
    public static string? FindMissingReading(IEnumerable<BufferArgument> buffers, IReadOnlyList<GuardReading>? readings)
    {
        if (readings is null)
            return "no guard zones were read back";
        foreach (var buffer in buffers)
        {
            var size = buffer.Type.SizeInBytes();
            if (readings.FirstOrDefault(r => r.Buffer == buffer.Name) is not { } reading)
                return $"the guard zones of {buffer.Name} were not read back";
            if (reading.Before.Length < MinimumBytes || reading.After.Length < MinimumBytes
                || reading.Before.Length % size != 0 || reading.After.Length % size != 0)
                return $"the guard zones of {buffer.Name} are {reading.Before.Length} and {reading.After.Length} bytes, " +
                    $"not whole {buffer.Type.Name()} elements of at least {MinimumBytes}";
            if (buffer.Role == BufferRole.Input
                && (reading.Input is not { } back || back.Type != buffer.Type || back.Length != buffer.Length))
                return $"input {buffer.Name} was not read back as {buffer.Type.Name()}[{buffer.Length}]";
        }
        return null;
    }

    private static string? FindZoneWrite(BufferArgument buffer, byte[] zone, GuardSide side)
    {
        var pattern = Filled(zone.Length, side == GuardSide.After ? Phase((long)buffer.Length * buffer.Type.SizeInBytes()) : 0);
        var size = buffer.Type.SizeInBytes();
        long first = -1, last = -1, changed = 0;
        for (var offset = 0; offset < zone.Length; offset += size)
        {
            if (zone.AsSpan(offset, size).SequenceEqual(pattern.AsSpan(offset, size)))
                continue;
            changed++;
            last = offset;
            if (first < 0)
                first = offset;
        }
        if (changed == 0)
            return null;
        // Indices as the kernel wrote them: negative before the buffer, from its length on after it.
        long Index(long offset) => side == GuardSide.Before ? (offset - zone.Length) / size : buffer.Length + offset / size;
        var at = first == last ? $"{buffer.Name}[{Index(first)}]" : $"{buffer.Name}[{Index(first)}] to {buffer.Name}[{Index(last)}]";
        var where = side == GuardSide.Before ? $"before the start of {buffer.Name}" : $"after the end of {buffer.Name}";
        return $"out of bounds {where}: the guard zone changed at {at} ({Count(changed)}; {buffer.Name} has {Count(buffer.Length)})";
    }

    /// <summary>Compares bit patterns, so a NaN the kernel rewrote as another NaN, or −0 as 0, still counts.</summary>
    private static string? FindInputChange(HostBuffer expected, HostBuffer actual)
    {
        const int chunk = 1 << 20;
        var size = expected.Type.SizeInBytes();
        long first = -1, changed = 0;
        for (var from = 0; from < expected.Length; from += chunk)
        {
            var count = Math.Min(chunk, expected.Length - from);
            var before = expected.Bytes(from, count);
            var after = actual.Bytes(from, count);
            if (before.SequenceEqual(after))
                continue;
            for (var i = 0; i < count; i++)
            {
                if (before.Slice(i * size, size).SequenceEqual(after.Slice(i * size, size)))
                    continue;
                changed++;
                if (first < 0)
                    first = from + i;
            }
        }
        if (changed == 0)
            return null;
        var name = expected.Name;
        return $"wrote to input {name}: {changed} of {expected.Length} elements changed; first {name}[{first}]: " +
            $"was {Number(expected[(int)first])}, now {Number(actual[(int)first])}";
    }


    private static string Count(long elements) => elements == 1 ? "1 element" : $"{elements} elements";

    private static string Number(double value) => value.ToString("G7", CultureInfo.InvariantCulture);

    private enum GuardSide
    {
        Before,
        After,
    }
}

/// <summary>
/// What an executor read back after a launch request (after its last launch, so a timed request's every launch is
/// covered): the zones before and after one buffer, and for an input the buffer itself.
/// </summary>
public sealed record GuardReading(string Buffer, byte[] Before, byte[] After, HostBuffer? Input = null);
