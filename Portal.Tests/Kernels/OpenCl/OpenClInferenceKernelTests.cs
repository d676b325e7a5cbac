using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// attention and rope kernels that store their buffers in bfloat16 (ushort bits, converted in the kernel) and float16
/// (vload_half / vstore_half, core OpenCL C): right ones pass on the OpenCL device under <c>"dtype"</c>, and one that
/// converts bfloat16 wrongly fails. The float32 suite kernels and their controls are run by the suite and control tests.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClInferenceKernelTests
{
    private const string BFloat16 = """
        float bf16_load(__global const ushort* p, size_t i) { return as_float((uint)p[i] << 16); }

        // Round to nearest, ties to even: add 0x7fff plus the lowest kept bit, then drop the low half.
        ushort bf16_round(float f)
        {
            uint u = as_uint(f);
            return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
        }

        """;

    private const string RopeBFloat16Body = """
        __kernel void rope(__global const ushort* x, __global const int* pos, __global ushort* y,
                           const int tokens, const int heads, const int dim, const float base)
        {
            int pairs = dim / 2;
            int id = get_global_id(0);
            if (id >= tokens * pairs)
                return;
            int t = id / pairs, i = id % pairs;
            float theta = (float)pos[t] * pow(base, -2.0f * i / dim);
            float c;
            float s = sincos(theta, &c);
            for (int h = 0; h < heads; h++) {
                size_t at = ((size_t)t * heads + h) * dim + 2 * i;
                float x0 = bf16_load(x, at), x1 = bf16_load(x, at + 1);
                y[at] = bf16_round(x0 * c - x1 * s);
                y[at + 1] = bf16_round(x0 * s + x1 * c);
            }
        }
        """;

    // A private float accumulator per row (dim ≤ 128 here), so the output is rounded to half once, by vstore_half.
    private const string AttentionHalf = """
        float score(__global const half* query, __global const half* key, const int dim, const float scale)
        {
            float s = 0.0f;
            for (int d = 0; d < dim; d++)
                s += vload_half(d, query) * vload_half(d, key);
            return s * scale;
        }

        __kernel void attention(__global const half* q, __global const half* k, __global const half* v, __global half* o,
                                const int bh, const int seq, const int dim, const int causal)
        {
            int row = get_global_id(0);
            if (row >= bh * seq)
                return;
            int keys = causal ? row % seq + 1 : seq;
            size_t head = (size_t)(row / seq) * seq * dim;
            __global const half* query = q + (size_t)row * dim;
            float scale = 1.0f / sqrt((float)dim);
            float m = -INFINITY, l = 0.0f;
            for (int j = 0; j < keys; j++) {
                float s = score(query, k + head + (size_t)j * dim, dim, scale);
                float grown = fmax(m, s);
                l = l * exp(m - grown) + exp(s - grown);
                m = grown;
            }
            float acc[128];
            for (int d = 0; d < dim; d++)
                acc[d] = 0.0f;
            for (int j = 0; j < keys; j++) {
                float p = exp(score(query, k + head + (size_t)j * dim, dim, scale) - m) / l;
                for (int d = 0; d < dim; d++)
                    acc[d] += p * vload_half(head + (size_t)j * dim + d, v);
            }
            for (int d = 0; d < dim; d++)
                vstore_half(acc[d], (size_t)row * dim + d, o);
        }
        """;

    private static KernelSpec RopeSpec(string source, string dtype) => new(
        Op: "rope",
        Language: "opencl-c",
        Entry: "rope",
        Source: source,
        Args: ["x", "pos", "y", "tokens", "heads", "dim", "base"],
        Launch: new LaunchSpec(Global: ["ceil_div(tokens * dim / 2, 64) * 64"], Local: [64]),
        Cases:
        [
            Case(("tokens", 1), ("heads", 1), ("dim", 2)),
            Case(("tokens", 33), ("heads", 5), ("dim", 130)),
            new CaseSpec(Case(("tokens", 101), ("heads", 3), ("dim", 64)).Params, "large"),
            Case(("tokens", 1001), ("heads", 4), ("dim", 128)),
        ],
        Timing: new TimingSpec(0, 2, 2),
        Dtype: dtype);

    private static KernelSpec AttentionSpec(string source, string dtype) => new(
        Op: "attention",
        Language: "opencl-c",
        Entry: "attention",
        Source: source,
        Args: ["q", "k", "v", "o", "bh", "seq", "dim", "causal"],
        Launch: new LaunchSpec(Global: ["ceil_div(bh * seq, 64) * 64"], Local: [64]),
        Cases:
        [
            Case(("bh", 1), ("seq", 1), ("dim", 1), ("causal", 0)),
            Case(("bh", 2), ("seq", 33), ("dim", 17), ("causal", 1)),
            new CaseSpec(Case(("bh", 2), ("seq", 50), ("dim", 64), ("causal", 1)).Params, "large"),
            Case(("bh", 3), ("seq", 100), ("dim", 128), ("causal", 0)),
        ],
        Timing: new TimingSpec(0, 2, 2),
        Dtype: dtype);

    [Fact]
    public async Task A_bfloat16_rope_converting_ushort_bits_in_the_kernel_passes()
    {
        var result = await OpenClTestDevice.Run(RopeSpec(BFloat16 + RopeBFloat16Body, "bf16"));

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status.Name()}: {result.Message}\n{result.CompileLog}");
        Assert.Equal(4, result.Cases!.Count);
    }

    [Fact]
    public async Task A_float16_attention_with_vload_half_and_vstore_half_passes_causal_or_not()
    {
        var result = await OpenClTestDevice.Run(AttentionSpec(AttentionHalf, "f16"));

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status.Name()}: {result.Message}\n{result.CompileLog}");
        Assert.Equal(4, result.Cases!.Count);
    }

    [Fact]
    public async Task A_bfloat16_rope_that_reads_the_bits_as_the_low_half_of_a_float_fails_on_the_output()
    {
        var wrong = BFloat16.Replace("as_float((uint)p[i] << 16)", "as_float((uint)p[i])", StringComparison.Ordinal);
        Assert.NotEqual(BFloat16, wrong);

        var result = await OpenClTestDevice.Run(RopeSpec(wrong + RopeBFloat16Body, "bf16"));

        Assert.Equal(KernelStatus.Failed, result.Status);
        var failed = result.Cases!.First(c => c.Status == KernelStatus.Failed);
        Assert.Equal("y", failed.FirstMismatch!.Buffer);
        Assert.True(failed.Mismatches > failed.Elements / 2, $"{failed.Mismatches} of {failed.Elements}");
    }

    [Fact]
    public async Task A_float16_attention_written_with_float_pointers_reads_garbage_and_fails()
    {
        // The bits of two halves read as one float: the kernel compiles, and every output is wrong.
        var wrong = AttentionHalf
            .Replace("vload_half(d, query) * vload_half(d, key)", "((__global const float*)query)[d] * ((__global const float*)key)[d]", StringComparison.Ordinal);
        Assert.NotEqual(AttentionHalf, wrong);

        var result = await OpenClTestDevice.Run(AttentionSpec(wrong, "f16"));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal("o", result.Cases!.First(c => c.Status == KernelStatus.Failed).FirstMismatch!.Buffer);
    }
}
