using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>
/// The storage-dtype kernels the GPU runbook runs (scripts/gpu/dtypes/run.sh), checked here without a GPU: every
/// language has the correct bf16 and f16 kernels and the odd-length bf16 one that writes past the end, each kernel says
/// its verdict, and its spec validates in its language with the dtype it claims.
/// </summary>
public class GpuDtypeKernelTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in DtypeKernelFile.Extensions.Keys)
            foreach (var kernel in DtypeKernelFile.Of(language))
                data.Add(language, kernel.Name);
        return data;
    }

    [Theory]
    [InlineData("opencl-c")]
    [InlineData("cuda-c")]
    [InlineData("triton")]
    public void Each_language_has_bf16_and_f16_kernels_for_vector_add_and_softmax_and_a_known_wrong_one(string language)
    {
        var names = DtypeKernelFile.Of(language).Select(k => k.Name).ToList();

        Assert.Superset(new HashSet<string> { "vector_add_bf16", "vector_add_f16", "softmax_bf16", "softmax_f16", "vector_add_bf16_past_end" },
            names.ToHashSet());
        Assert.Contains(DtypeKernelFile.Of(language), k => k.Status == "failed");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_kernel_says_its_verdict_and_its_spec_validates_with_its_dtype(string language, string name)
    {
        var kernel = DtypeKernelFile.Get(language, name);

        Assert.Contains(kernel.Status, new[] { "passed", "failed" });
        Assert.True(kernel.Status == "passed" ? kernel.MessageText == "" : kernel.MessageText.Length > 10, kernel.MessageText);
        var validation = KernelSpecJson.Parse(kernel.SpecJson());
        Assert.True(validation.IsValid, validation.Message);
        Assert.Equal(language, validation.Spec!.Language.Name());
        var dtype = (string)kernel.Spec["dtype"]!;
        Assert.Contains(dtype, name.Replace("_", "", StringComparison.Ordinal));
        Assert.Equal(ElementTypes.ParseDtype(dtype), validation.Spec.TypeOf(validation.Spec.Op.Outputs.First()));
    }
}
