using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// embedding, cross_entropy and conv2d on the OpenCL device: each control kernel fails where its bug shows and
/// nowhere else, and kernels over bf16 and f16 storage (bits converted in the kernel) pass, while one that converts
/// bf16 wrongly fails. The suite kernels themselves pass in <see cref="OpenClSuiteTests"/>.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClModelOpTests
{
    private static readonly TimingSpec Quick = new(0, 2, 2);

    private static Task<KernelResult> RunControl(string op, BugClass bug, params CaseSpec[] cases)
    {
        var control = ControlKernels.For(KernelLanguage.OpenClC).Single(c => c.Op == op && c.Bug == bug);
        return OpenClTestDevice.Run(control.Spec with { Cases = cases, Timing = Quick });
    }

    private static void AssertFailedOnlyOn(KernelResult result, string buffer, params int[] failedCases)
    {
        Assert.True(result.Status == KernelStatus.Failed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        for (var i = 0; i < result.Cases!.Count; i++)
            Assert.Equal(failedCases.Contains(i) ? KernelStatus.Failed : KernelStatus.Passed, result.Cases[i].Status);
        Assert.All(failedCases, i => Assert.Equal(buffer, result.Cases[i].FirstMismatch!.Buffer));
    }

    [Fact]
    public async Task Embedding_that_clamps_ids_one_short_fails_where_the_last_row_is_asked_for()
    {
        var result = await RunControl("embedding", BugClass.OffByOne,
            Case(("tokens", 1000), ("vocab", 100000), ("dim", 5)),
            Case(("tokens", 1000), ("vocab", 100000), ("dim", 5)) with { Distribution = "last_rows" });

        // Uniform ids over 100000 rows in 1000 tokens miss the last row (with this seed); half the ids are vocab − 1 in "last_rows".
        AssertFailedOnlyOn(result, "y", 1);
        Assert.InRange(result.Cases![1].Mismatches, 400 * 5, 600 * 5);
    }

    [Fact]
    public async Task Cross_entropy_without_the_row_maximum_passes_plain_logits_and_fails_offset_ones()
    {
        var rows = Case(("rows", 255), ("cols", 257));
        var result = await RunControl("cross_entropy", BugClass.Unstable, rows, rows with { Distribution = "large" });

        AssertFailedOnlyOn(result, "loss", 1);
        Assert.Equal(255, result.Cases![1].Mismatches); // +1000 rows overflow to inf, −1000 rows underflow to log 0
    }

    [Fact]
    public async Task Conv2d_with_its_right_padding_bound_one_off_fails_on_the_right_edge_only()
    {
        var result = await RunControl("conv2d", BugClass.OffByOne,
            Case(("n", 1), ("c", 2), ("h", 4), ("w", 6), ("k", 1), ("r", 1), ("s", 1)),
            Case(("n", 1), ("c", 2), ("h", 4), ("w", 6), ("k", 1)));

        // A 1×1 filter never pads; a 3×3 one reads past the right edge on every row: 4 rows, first at (0, 5).
        AssertFailedOnlyOn(result, "y", 1);
        Assert.Equal((4L, 5L), (result.Cases![1].Mismatches, result.Cases[1].FirstMismatch!.Index));
    }

    private const string Bf16CrossEntropy = """
        #define GROUP 256
        float bf16_to_float(ushort bits) { return as_float((uint)bits << 16); }
        // Round to nearest even (no NaN can arise here).
        ushort float_to_bf16(float value) { uint u = as_uint(value); return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16); }
        float group_reduce(float value, __local float* scratch, int take_max)
        {
            int lid = get_local_id(0);
            scratch[lid] = value;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                if (lid < stride)
                    scratch[lid] = take_max ? fmax(scratch[lid], scratch[lid + stride]) : scratch[lid] + scratch[lid + stride];
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            float result = scratch[0];
            barrier(CLK_LOCAL_MEM_FENCE);
            return result;
        }
        __kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
        void cross_entropy(__global const int* target, __global const ushort* logits, __global ushort* loss, const int rows, const int cols)
        {
            __local float scratch[GROUP];
            int lid = get_local_id(0);
            int row = get_group_id(0);
            __global const ushort* in = logits + (size_t)row * cols;
            float largest = -INFINITY;
            for (int j = lid; j < cols; j += GROUP)
                largest = fmax(largest, bf16_to_float(in[j]));
            largest = group_reduce(largest, scratch, 1);
            float sum = 0.0f;
            for (int j = lid; j < cols; j += GROUP)
                sum += exp(bf16_to_float(in[j]) - largest);
            sum = group_reduce(sum, scratch, 0);
            if (lid == 0)
                loss[row] = float_to_bf16(largest + log(sum) - bf16_to_float(in[target[row]]));
        }
        """;

    private static KernelSpec CrossEntropy(string source, string dtype) => OpenClTestDevice.Suite("cross_entropy").Spec with
    {
        Source = source,
        Dtype = dtype,
        Cases =
        [
            Case(("rows", 1), ("cols", 3)),
            Case(("rows", 255), ("cols", 257)),
            Case(("rows", 3), ("cols", 1000)) with { Distribution = "large" },
            Case(("rows", 64), ("cols", 32000)),
        ],
        Timing = Quick,
    };

    [Fact]
    public async Task A_bf16_cross_entropy_kernel_converting_its_ushort_bits_passes()
    {
        var result = await OpenClTestDevice.Run(CrossEntropy(Bf16CrossEntropy, "bf16"));

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Equal(4, result.Cases!.Count);
    }

    [Fact]
    public async Task A_bf16_kernel_that_forgets_the_shift_reads_its_logits_as_tiny_floats_and_fails()
    {
        var wrong = Bf16CrossEntropy.Replace("as_float((uint)bits << 16)", "as_float((uint)bits)", StringComparison.Ordinal);
        Assert.NotEqual(Bf16CrossEntropy, wrong);

        var result = await OpenClTestDevice.Run(CrossEntropy(wrong, "bf16"));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal("loss", result.Cases![0].FirstMismatch!.Buffer);
        Assert.Contains("loss", result.Message);
    }

    [Fact]
    public async Task An_f16_cross_entropy_kernel_with_vload_half_and_vstore_half_passes_without_cl_khr_fp16()
    {
        var source = Bf16CrossEntropy
            .Replace("__global const ushort* logits, __global ushort* loss", "__global const half* logits, __global half* loss", StringComparison.Ordinal)
            .Replace("__global const ushort* in", "__global const half* in", StringComparison.Ordinal)
            .Replace("bf16_to_float(in[j])", "vload_half(j, in)", StringComparison.Ordinal)
            .Replace("bf16_to_float(in[target[row]])", "vload_half(target[row], in)", StringComparison.Ordinal)
            .Replace("loss[row] = float_to_bf16(largest + log(sum) - vload_half(target[row], in));",
                "vstore_half_rte(largest + log(sum) - vload_half(target[row], in), row, loss);", StringComparison.Ordinal);
        Assert.Contains("vstore_half_rte", source);
        Assert.DoesNotContain("bf16_to_float(in", source);

        var result = await OpenClTestDevice.Run(CrossEntropy(source, "f16"));

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
    }

    [Fact]
    public async Task A_bf16_embedding_table_gathered_into_an_f32_output_passes()
    {
        const string source = """
            __kernel void embedding(__global const ushort* table, __global const int* ids, __global float* y,
                                    const int tokens, const int vocab, const int dim)
            {
                int d = get_global_id(0);
                int t = get_global_id(1);
                if (d < dim && t < tokens)
                    y[(size_t)t * dim + d] = as_float((uint)table[(size_t)ids[t] * dim + d] << 16);
            }
            """;
        var spec = OpenClTestDevice.Suite("embedding").Spec with
        {
            Source = source,
            Dtype = "bf16",
            Dtypes = new Dictionary<string, string> { ["y"] = "f32" },
            Cases = [Case(("tokens", 1), ("vocab", 1), ("dim", 1)), Case(("tokens", 255), ("vocab", 50257), ("dim", 257))],
            Timing = Quick,
        };

        var result = await OpenClTestDevice.Run(spec);

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
    }
}
