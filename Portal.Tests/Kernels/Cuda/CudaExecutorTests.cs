using System.Runtime.InteropServices;
using Portal.Kernels.Buffers;
using Portal.Kernels.Cuda;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.Cuda;

/// <summary>What the cuda-c executor does on a host without the CUDA driver, and the pieces of a launch that need no GPU.</summary>
public class CudaExecutorTests
{
    private static readonly DeviceInfo Gpu = new("cuda:0", "NVIDIA H200", "NVIDIA", "CUDA 13.0; NVRTC 13.0", "580.159.03");
    private static readonly CudaLibraryNames NoDriver = new(["/nonexistent/libcuda.so.1"], ["/nonexistent/libnvrtc.so.13"]);

    private static KernelSpec SuiteVectorAdd() => new SuiteFiles("cuda-c", "cu").Spec("vector_add");

    [Fact]
    public async Task Without_the_driver_the_runner_answers_unsupported_saying_what_to_install()
    {
        var result = await new KernelRunner(new CudaExecutor(NoDriver)).RunAsync(SuiteVectorAdd(), Gpu, CancellationToken.None);

        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.StartsWith("compiling: the CUDA driver library could not be loaded (none of /nonexistent/libcuda.so.1 could be loaded)", result.Message);
        Assert.Contains("LD_LIBRARY_PATH", result.Message);
        Assert.Equal(Gpu, result.Device);
        Assert.Empty(result.Cases!);
    }

    [Theory]
    [InlineData("#include \"/etc/hostname\"\n")]
    [InlineData("#include </etc/hostname>\n")]
    [InlineData("#define F \"/etc/hostname\"\n#include F\n")]
    public async Task An_include_of_a_host_file_is_a_compile_error_before_NVRTC_is_even_loaded(string prelude)
    {
        var spec = SuiteVectorAdd() with { Source = prelude + SuiteVectorAdd().Source };

        var result = await new KernelRunner(new CudaExecutor(NoDriver)).RunAsync(spec, Gpu, CancellationToken.None);

        Assert.Equal(KernelStatus.CompileError, result.Status);
        Assert.Contains("#include is not allowed: kernels are compiled in a sandbox", result.Message);
        Assert.DoesNotContain("/etc/hostname", result.Message);
        Assert.DoesNotContain(File.ReadAllText("/etc/hostname").Trim(), result.Message);
        Assert.Null(result.CompileLog);
    }

    [Fact]
    public async Task A_device_that_is_not_a_cuda_device_is_refused_before_any_library_is_loaded()
    {
        var executor = new CudaExecutor(NoDriver);
        var openCl = new DeviceInfo("opencl:0:0", "pthread-cpu", "PoCL", "OpenCL 3.0", "6.0");

        Assert.True(executor.SupportsDevice(Gpu));
        Assert.False(executor.SupportsDevice(openCl));
        var result = await new KernelRunner(executor).RunAsync(SuiteVectorAdd(), openCl, CancellationToken.None);
        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.Equal("cuda-c kernels cannot run on pthread-cpu (opencl:0:0)", result.Message);
    }

    [Fact]
    public void Kernel_parameters_point_at_values_in_the_spec_order_with_each_arguments_width()
    {
        var x = HostBuffer.Float32("x", [1f]);
        KernelArgument[] arguments =
        [
            new BufferArgument("x", ElementType.Float32, 1, BufferRole.Input, x),
            new BufferArgument("z", ElementType.Float32, 1, BufferRole.Output, null),
            new IntArgument("n", 1_000_003),
            new FloatArgument("a", -2.5f),
        ];
        var pointers = new Dictionary<string, ulong> { ["x"] = 0x7f00_0000_1000, ["z"] = 0xffff_0000_0000_0100 };

        using var parameters = new CudaKernelParameters(arguments, name => pointers[name]);

        IntPtr Slot(int i) => Marshal.ReadIntPtr(parameters.Pointer, i * IntPtr.Size);
        Assert.Equal(0x7f00_0000_1000L, Marshal.ReadInt64(Slot(0)));
        Assert.Equal(unchecked((long)0xffff_0000_0000_0100), Marshal.ReadInt64(Slot(1)));
        Assert.Equal(1_000_003, Marshal.ReadInt32(Slot(2)));
        Assert.Equal(-2.5f, BitConverter.Int32BitsToSingle(Marshal.ReadInt32(Slot(3))));
    }

    [Fact]
    public void A_launch_shape_fills_missing_dimensions_with_one_and_shared_memory_with_zero()
    {
        var shape = CudaLaunchShape.From(new LaunchDimensions(null, null, [8192, 16], [32, 8], null, null, null));

        Assert.Equal(new CudaLaunchShape(8192, 16, 1, 32, 8, 1, 0), shape);
        Assert.Equal(1024u, CudaLaunchShape.From(new LaunchDimensions(null, null, [1], [256], 1024, null, null)).SharedBytes);
    }

    [Fact]
    public void Host_copies_start_at_the_buffers_first_element_whatever_its_type()
    {
        var ints = HostBuffer.Int32("h", [0x01020304, 5]);
        var floats = HostBuffer.Float32("z", [1.5f]);

        Assert.Equal(0x04, ints.FirstByte());
        Assert.Equal(BitConverter.GetBytes(1.5f)[0], floats.FirstByte());
    }
}
