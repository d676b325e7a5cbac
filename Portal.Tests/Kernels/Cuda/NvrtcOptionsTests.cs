using Portal.Kernels.Cuda;

namespace Portal.Tests.Kernels.Cuda;

public class NvrtcOptionsTests
{
    /// <summary>What NVRTC 13.0 reports through nvrtcGetSupportedArchs.</summary>
    private static readonly int[] Nvrtc13 = [75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121];

    [Fact]
    public void A_device_this_NVRTC_knows_gets_machine_code_for_its_own_architecture()
    {
        var target = NvrtcOptions.For(new ComputeCapability(9, 0), Nvrtc13, out var problem);

        Assert.Null(problem);
        Assert.Equal(["--gpu-architecture=sm_90"], target!.Options);
        Assert.True(target.EmitsCubin);
        Assert.Equal("sm_90", target.Architecture);
    }

    [Fact]
    public void A_device_newer_than_this_NVRTC_gets_PTX_of_the_newest_architecture_it_knows()
    {
        var target = NvrtcOptions.For(new ComputeCapability(10, 0), [75, 80, 86, 89, 90], out var problem);

        Assert.Null(problem);
        Assert.Equal(["--gpu-architecture=compute_90"], target!.Options);
        Assert.False(target.EmitsCubin);
    }

    [Fact]
    public void A_device_older_than_every_architecture_of_this_NVRTC_is_refused_with_the_range_it_has()
    {
        var target = NvrtcOptions.For(new ComputeCapability(5, 2), Nvrtc13, out var problem);

        Assert.Null(target);
        Assert.Contains("sm_75 to sm_121", problem);
        Assert.Contains("compute capability 5.2", problem);
    }

    [Fact]
    public void No_option_loosens_float_accuracy()
    {
        var target = NvrtcOptions.For(new ComputeCapability(8, 6), Nvrtc13, out _);

        Assert.DoesNotContain(target!.Options, o => o.Contains("fast", StringComparison.OrdinalIgnoreCase) || o.Contains("ftz", StringComparison.Ordinal));
    }

    [Fact]
    public void The_message_of_a_compile_error_is_the_logs_first_error_line()
    {
        const string log = "vector_add.cu(3): warning #177-D: variable \"t\" was declared but never referenced\n" +
            "vector_add.cu(4): error: identifier \"zz\" is undefined\n\n1 error detected in the compilation of \"vector_add.cu\".\n";

        Assert.Equal("vector_add.cu(4): error: identifier \"zz\" is undefined", CudaCompilation.FirstError(log));
        Assert.Equal("NVRTC gave no log", CudaCompilation.FirstError(""));
    }
}
