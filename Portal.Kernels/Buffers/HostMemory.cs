using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Kernels.Buffers;

/// <summary>The first byte of a host buffer's array, for copies of any size (a Span&lt;byte&gt; stops at 2 GiB).</summary>
internal static class HostMemory
{
    public static ref byte FirstByte(HostBuffer buffer) => ref buffer.Type == ElementType.Float32
        ? ref Unsafe.As<float, byte>(ref MemoryMarshal.GetArrayDataReference(buffer.FloatArray))
        : ref Unsafe.As<int, byte>(ref MemoryMarshal.GetArrayDataReference(buffer.IntArray));
}
