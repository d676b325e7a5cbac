using Portal.Contracts;
using Portal.Kernels.Ops;
using Portal.Kernels.Suite;
using Xunit.Abstractions;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// The backward ops on the OpenCL device beyond the suite: each opencl-c control kernel fails on the output its bug
/// touches, and softmax_backward stored in bf16 passes with a kernel that reads and writes the bits as ushort, while
/// the float32 suite kernel given bf16 buffers fails.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClBackwardOpTests(ITestOutputHelper output)
{
    /// <summary>The bf16 storage of DESIGN.md: ushort bits, widened to float by a shift, rounded back to nearest even.</summary>
    private const string Bf16SoftmaxBackward = """
        #define GROUP 256
        float from_bf16(ushort bits) { return as_float((uint)bits << 16); }
        ushort to_bf16(float value)
        {
            uint u = as_uint(value);
            return (ushort)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
        }
        __kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
        void softmax_backward(__global const ushort* y, __global const ushort* dy, __global ushort* dx, const int rows, const int cols)
        {
            __local float scratch[GROUP];
            int lid = get_local_id(0);
            size_t row = (size_t)get_group_id(0) * cols;
            float partial = 0.0f;
            for (int j = lid; j < cols; j += GROUP)
                partial += from_bf16(dy[row + j]) * from_bf16(y[row + j]);
            scratch[lid] = partial;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                if (lid < stride)
                    scratch[lid] += scratch[lid + stride];
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            float sum = scratch[0];
            for (int j = lid; j < cols; j += GROUP)
                dx[row + j] = to_bf16(from_bf16(y[row + j]) * (from_bf16(dy[row + j]) - sum));
        }
        """;

    private static KernelSpec SuiteSpec(string op) => OpenClTestDevice.Suite(op).Spec with
    {
        // The checked cases only: the timed one adds nothing here.
        Cases = [.. OpenClTestDevice.Suite(op).Spec.Cases!.SkipLast(1)],
    };

    [Fact]
    public async Task A_bf16_softmax_backward_kernel_on_ushort_bits_passes()
    {
        var result = await OpenClTestDevice.Run(SuiteSpec("softmax_backward") with { Dtype = "bf16", Source = Bf16SoftmaxBackward });

        output.WriteLine($"{result.Status.Name()}: {result.Message}");
        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status.Name()}: {result.Message}\n{result.CompileLog}");
        Assert.All(result.Cases!, c => Assert.Equal(KernelStatus.Passed, c.Status));
    }

    [Fact]
    public async Task The_float32_kernel_given_bf16_buffers_fails_writing_past_the_end_of_dx()
    {
        // Only the two-element case: four bytes past dx land in its guard zone; a longer row would write beyond it.
        var spec = OpenClTestDevice.Suite("softmax_backward").Spec;
        var result = await OpenClTestDevice.Run(spec with { Dtype = "bf16", Cases = [spec.Cases![0]] });

        output.WriteLine($"{result.Status.Name()}: {result.Message}");
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Contains("dx", result.Message);
        Assert.Contains("out of bounds", result.Message);
    }

    [Fact]
    public async Task A_bf16_kernel_that_widens_the_bits_without_shifting_them_fails_on_dx()
    {
        // as_float(bits) instead of as_float(bits << 16): every input becomes a tiny subnormal, and so does dx.
        var wrong = Bf16SoftmaxBackward.Replace("as_float((uint)bits << 16)", "as_float((uint)bits)", StringComparison.Ordinal);
        Assert.NotEqual(Bf16SoftmaxBackward, wrong);

        var result = await OpenClTestDevice.Run(SuiteSpec("softmax_backward") with { Dtype = "bf16", Source = wrong });

        output.WriteLine($"{result.Status.Name()}: {result.Message}");
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Contains(result.Cases!, c => c.Status == KernelStatus.Failed && c.FirstMismatch!.Buffer == "dx");
    }

    public static TheoryData<string, string, string> ControlsAndTheOutputTheyBreak() => new()
    {
        { "softmax_backward", "missing_term", "dx" },
        { "cross_entropy_backward", "missing_term", "dlogits" },
        { "cross_entropy_backward", "unstable", "dlogits" },
        { "layernorm_backward", "missing_term", "dx" },
        { "layernorm_backward", "unstable", "dx" },
        { "layernorm_backward", "off_by_one", "dgamma" },
    };

    [Theory]
    [MemberData(nameof(ControlsAndTheOutputTheyBreak))]
    public async Task Each_backward_control_fails_on_the_output_its_bug_touches(string op, string bug, string buffer)
    {
        var control = ControlKernels.For(KernelLanguage.OpenClC).Single(c => c.Op == op && c.BugName == bug);

        var result = await OpenClTestDevice.Run(control.Spec with { Cases = [.. control.Spec.Cases!.SkipLast(1)] });

        output.WriteLine($"{op}.{bug}: {result.Status.Name()}: {result.Message}");
        Assert.Equal(KernelStatus.Failed, result.Status);
        var failed = result.Cases!.Where(c => c.Status == KernelStatus.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, c => Assert.Equal(buffer, c.FirstMismatch!.Buffer));
        if (bug == "unstable")
            Assert.All(failed, c => Assert.Equal("large", c.Distribution));
        else
            Assert.Equal(result.Cases!.Count, failed.Count);
    }
}
