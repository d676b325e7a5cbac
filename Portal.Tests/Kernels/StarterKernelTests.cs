using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Tests.Kernels.OpenCl;

namespace Portal.Tests.Kernels;

/// <summary>
/// Starter kernels for ops, languages and dtypes the conformance suite has no kernel for: the right signature and index
/// computation at the dtype, and a marked body. Filled in with one line of arithmetic, an OpenCL starter passes on PoCL;
/// left as it is, it compiles, runs and fails (it computes nothing).
/// </summary>
[Collection(OpenClCollection.Name)]
public sealed class StarterKernelTests
{
    public static TheoryData<string> NarrowDtypes => ["f16", "bf16", "fp8e4m3", "fp8e5m2"];

    [Fact]
    public void Every_catalog_op_has_a_starter_in_every_language_and_dtype_that_is_a_valid_spec_but_its_body()
    {
        foreach (var op in OpCatalog.All)
        {
            foreach (var dtype in ElementTypes.FloatDtypes.Where(d => d == ElementType.Float32 || op.Buffers.Any(b => b.Type.IsFloat())))
            {
                foreach (var language in Enum.GetValues<KernelLanguage>())
                {
                    var starter = StarterKernels.For(KernelSignature.Of(op, dtype), language);
                    var spec = new KernelSpec(op.Name, language.Name(), starter.Entry, starter.Source, starter.Args, starter.Launch,
                        Dtype: dtype == ElementType.Float32 ? null : dtype.Dtype());
                    var validation = KernelSpecValidator.Validate(spec);
                    Assert.True(validation.Spec is not null,
                        $"{op.Name} {language.Name()} {dtype.Dtype()}: {string.Join("; ", validation.Problems.Select(p => p.Field + ": " + p.Message))}");
                    Assert.Contains(StarterKernels.BodyMarker, starter.Source);
                }
            }
        }
    }

    [Fact]
    public void The_starter_declares_each_buffer_with_the_type_its_language_gives_the_dtype()
    {
        var signature = KernelSignature.Of(OpCatalog.Get("matmul"), ElementType.BFloat16);

        Assert.Contains("__global const ushort* a, __global const ushort* b, __global ushort* c, const int m, const int n, const int k",
            StarterKernels.For(signature, KernelLanguage.OpenClC).Source);
        Assert.Contains("(const __nv_bfloat16* a, const __nv_bfloat16* b, __nv_bfloat16* c, int m, int n, int k)",
            StarterKernels.For(signature, KernelLanguage.CudaC).Source);
        Assert.Contains("#include <cuda_bf16.h>", StarterKernels.For(signature, KernelLanguage.CudaC).Source);
        Assert.Contains("def matmul(a, b, c, m, n, k, BLOCK: tl.constexpr):", StarterKernels.For(signature, KernelLanguage.Triton).Source);
        Assert.Contains("if (i >= m*n) return;", StarterKernels.For(signature, KernelLanguage.OpenClC).Source);
        // A histogram's int buffers stay int whatever the dtype.
        var histogram = KernelSignature.Of(OpCatalog.Get("histogram"), ElementType.Float16);
        Assert.All(histogram.Buffers, b => Assert.Equal(ElementType.Int32, b.Type));
    }

    [Theory]
    [MemberData(nameof(NarrowDtypes))]
    public async Task A_vector_add_starter_filled_in_with_one_line_passes_on_PoCL(string dtype)
    {
        var type = ElementTypes.ParseDtype(dtype)!.Value;
        var starter = StarterKernels.For(KernelSignature.Of(OpCatalog.Get("vector_add"), type), KernelLanguage.OpenClC);

        var result = await OpenClTestDevice.Run(Spec(starter, Fill(starter.Source, "float value = x_i + y_i;"), dtype));

        Assert.True(result.Status == KernelStatus.Passed, $"{dtype}: {result.Status} {result.Message} {result.CompileLog}");
    }

    [Fact]
    public async Task A_starter_left_as_it_is_compiles_runs_and_fails()
    {
        var starter = StarterKernels.For(KernelSignature.Of(OpCatalog.Get("vector_add"), ElementType.BFloat16), KernelLanguage.OpenClC);

        var result = await OpenClTestDevice.Run(Spec(starter, starter.Source, "bf16"));

        Assert.Equal(KernelStatus.Failed, result.Status);
    }

    private static KernelSpec Spec(StarterKernel starter, string source, string dtype) =>
        new("vector_add", "opencl-c", starter.Entry, source, starter.Args, starter.Launch,
            Cases: [new CaseSpec(new Dictionary<string, double> { ["n"] = 1000 }), new CaseSpec(new Dictionary<string, double> { ["n"] = 4097 })],
            Timing: new TimingSpec(0, 2, 2), Dtype: dtype);

    /// <summary>Writes the body: the reads and writes the starter shows become code, the marker becomes <paramref name="body"/>.</summary>
    private static string Fill(string source, string body) =>
        source.Replace("// read:  ", "", StringComparison.Ordinal)
            .Replace("// write: ", "", StringComparison.Ordinal)
            .Replace("// " + StarterKernels.BodyMarker, body, StringComparison.Ordinal);
}
