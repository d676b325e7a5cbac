using Portal.Tests.Kernels;

namespace Portal.Tests.Agent;

/// <summary>
/// Storage dtypes through `Portal.Agent exec` on this host's PoCL device, in the sandboxed child as any job: bf16 and
/// f16 kernels pass, known-wrong ones fail for the right reason, half arithmetic without cl_khr_fp16 is unsupported.
/// </summary>
public sealed class AgentDtypeTests
{
    [Theory]
    [InlineData("vector_add_bf16")]
    [InlineData("softmax_f16")]
    [InlineData("vector_add_bf16_past_end")]
    [InlineData("vector_add_f16_as_float")]
    public async Task Exec_gives_a_dtype_kernel_its_verdict_and_exits_zero(string name)
    {
        var kernel = DtypeKernelFile.Get("opencl-c", name);

        var run = await AgentProcess.RunAsync("exec", kernel.WriteSpecFile());

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(kernel.Status, run.Json.GetProperty("status").GetString());
        Assert.Contains(kernel.MessageText, run.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Half_arithmetic_through_exec_is_unsupported_naming_cl_khr_fp16()
    {
        var kernel = DtypeKernelFile.Get("opencl-c", "vector_add_f16");
        var spec = kernel with
        {
            Name = "half_arithmetic",
            Source = "#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n" +
                "__kernel void vector_add(__global const half* x, __global const half* y, __global half* z, const int n)\n" +
                "{ int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }\n",
        };

        var run = await AgentProcess.RunAsync("exec", spec.WriteSpecFile());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("unsupported", run.Json.GetProperty("status").GetString());
        Assert.Contains("cl_khr_fp16", run.Json.GetProperty("message").GetString());
    }
}
