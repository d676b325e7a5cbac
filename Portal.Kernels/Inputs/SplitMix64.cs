using System.Text;

namespace Portal.Kernels.Inputs;

/// <summary>
/// The engine's PRNG, specified exactly in docs/kernels.md so that any host or language can reproduce
/// the inputs: SplitMix64 (Steele, Lea and Flood, 2014; Vigna's public-domain C), used counter-style.
/// Element i of a stream starting at state s is Mix(s + (i + 1)·Gamma) mod 2^64, which is the i-th output
/// of the usual sequential generator seeded with s, and lets a large buffer be filled in parallel.
/// Each buffer has its own stream, derived from the seed and the buffer's name, so adding a buffer to an
/// op never shifts the values of the others.
/// </summary>
public static class SplitMix64
{
    public const ulong Gamma = 0x9E3779B97F4A7C15;

    private const ulong FnvOffsetBasis = 0xCBF29CE484222325;
    private const ulong FnvPrime = 0x100000001B3;

    /// <summary>SplitMix64's output function (the variant-13 finaliser of MurmurHash3).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Start state of a buffer's stream: Mix(seed XOR FNV-1a-64(UTF-8 bytes of the name)).</summary>
    public static ulong StreamStart(ulong seed, string bufferName) =>
        Mix(seed ^ Fnv1a64(Encoding.UTF8.GetBytes(bufferName)));

    /// <summary>The 64 random bits of element <paramref name="index"/> of the stream.</summary>
    public static ulong Value(ulong streamStart, long index) => Mix(streamStart + (ulong)(index + 1) * Gamma);

    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        var hash = FnvOffsetBasis;
        foreach (var b in bytes)
            hash = (hash ^ b) * FnvPrime;
        return hash;
    }
}
