using System.Runtime.InteropServices;
using Portal.Kernels.Execution;

namespace Portal.Kernels.Cuda;

/// <summary>
/// cuLaunchKernel's kernelParams: an array of pointers, one per kernel parameter in order, each pointing at the
/// parameter's value (a CUdeviceptr for a buffer, a 32-bit int or float). The driver reads each value's size from
/// the kernel's own signature, so every value gets an 8-byte slot and only its first bytes are used.
/// </summary>
internal sealed class CudaKernelParameters : IDisposable
{
    private readonly IntPtr values;

    public CudaKernelParameters(IReadOnlyList<KernelArgument> arguments, Func<string, ulong> devicePointer)
    {
        values = Marshal.AllocHGlobal(8 * arguments.Count);
        Pointer = Marshal.AllocHGlobal(IntPtr.Size * arguments.Count);
        for (var i = 0; i < arguments.Count; i++)
        {
            var slot = values + 8 * i;
            switch (arguments[i])
            {
                case BufferArgument buffer:
                    Marshal.WriteInt64(slot, (long)devicePointer(buffer.Name));
                    break;
                case IntArgument integer:
                    Marshal.WriteInt32(slot, integer.Value);
                    break;
                case FloatArgument real:
                    Marshal.WriteInt32(slot, BitConverter.SingleToInt32Bits(real.Value));
                    break;
                default:
                    throw new ArgumentException($"argument {arguments[i].Name} has an unknown kind", nameof(arguments));
            }
            Marshal.WriteIntPtr(Pointer, IntPtr.Size * i, slot);
        }
    }

    /// <summary>The void** to pass as kernelParams.</summary>
    public IntPtr Pointer { get; }

    public void Dispose()
    {
        Marshal.FreeHGlobal(Pointer);
        Marshal.FreeHGlobal(values);
    }
}
