using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// A context on one device with an in-order, profiling-enabled queue. It collects what the driver reports
/// through the context's notification callback, so an error status can carry the driver's own explanation.
/// </summary>
internal sealed class OpenClContext : IDisposable
{
    private const ulong QueueProfilingEnable = 1 << 1;
    private const uint DeviceProfilingTimerResolution = 0x1025;
    private const int MaxKeptMessages = 16;

    // One static delegate, so the function pointer the driver holds can never be collected; each context is
    // told apart by its user data, a GC handle to its message queue.
    private static readonly OpenClNative.ContextNotify Notify = OnDriverMessage;

    private readonly ConcurrentQueue<string> messages = new();
    private GCHandle messagesHandle;

    private OpenClContext(IntPtr device)
    {
        Device = device;
        messagesHandle = GCHandle.Alloc(messages);
    }

    public IntPtr Device { get; }

    public ClContextHandle Handle { get; private set; } = new();

    public ClQueueHandle Queue { get; private set; } = new();

    /// <summary>The profiling clock's tick: the shortest device time the events can tell from zero.</summary>
    public ulong TimerResolutionNs { get; private set; } = 1;

    public static OpenClContext Create(IntPtr device)
    {
        var context = new OpenClContext(device);
        try
        {
            context.Open();
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private void Open()
    {
        TimerResolutionNs = Math.Max(1, ClInfo.DeviceNumber(Device, DeviceProfilingTimerResolution));
        Handle = OpenClNative.clCreateContext(IntPtr.Zero, 1, [Device], Notify, GCHandle.ToIntPtr(messagesHandle), out var status);
        Check(status, "clCreateContext");
        Queue = OpenClNative.clCreateCommandQueue(Handle, Device, QueueProfilingEnable, out status);
        Check(status, "clCreateCommandQueue");
    }

    /// <summary>Throws <see cref="OpenClException"/> for any status but CL_SUCCESS, with what the driver said since.</summary>
    public void Check(int status, string call, string? hint = null)
    {
        if (status != ClStatus.Success)
            throw new OpenClException(call, status, DrainDriverMessages(), hint);
    }

    /// <summary>A program from source, passed with an explicit length: the source needs no terminating NUL and may hold any UTF-8.</summary>
    public ClProgramHandle CreateProgram(string source)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(source);
        var text = Marshal.AllocHGlobal(bytes.Length);
        try
        {
            Marshal.Copy(bytes, 0, text, bytes.Length);
            var length = (nuint)bytes.Length;
            var program = OpenClNative.clCreateProgramWithSource(Handle, 1, ref text, ref length, out var status);
            if (status != ClStatus.Success)
                program.Dispose();
            Check(status, "clCreateProgramWithSource");
            return program;
        }
        finally
        {
            Marshal.FreeHGlobal(text);
        }
    }

    public string? DrainDriverMessages()
    {
        var drained = new List<string>();
        while (messages.TryDequeue(out var message))
            drained.Add(message);
        return drained.Count == 0 ? null : string.Join(" | ", drained.Distinct());
    }

    private static void OnDriverMessage(IntPtr errorInfo, IntPtr privateInfo, nuint privateInfoSize, IntPtr userData)
    {
        // Runs on a driver thread: an exception here would take the process down, so nothing here may throw.
        if (userData == IntPtr.Zero || GCHandle.FromIntPtr(userData).Target is not ConcurrentQueue<string> queue)
            return;
        var text = Marshal.PtrToStringUTF8(errorInfo);
        if (!string.IsNullOrWhiteSpace(text) && queue.Count < MaxKeptMessages)
            queue.Enqueue(text.Trim().ReplaceLineEndings(" "));
    }

    public void Dispose()
    {
        Queue.Dispose();
        Handle.Dispose();
        // Freed only after the context is released, so a late notification still finds its queue.
        if (messagesHandle.IsAllocated)
            messagesHandle.Free();
    }
}
