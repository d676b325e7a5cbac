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
        // The headers a cuda-c kernel includes (cuda_fp16.h, cuda_bf16.h, cuda_fp8.h) are the ones the source check lets through.
        Assert.Null(KernelSourceCheck.FindProblem(validation.Spec.Language, kernel.Source));
    }

    /// <summary>An fp8 kernel may answer unsupported below compute capability 8.9, in the words both executors use.</summary>
    [Theory]
    [InlineData("cuda-c", "vector_add_fp8e4m3")]
    [InlineData("triton", "vector_add_fp8e5m2")]
    public void An_fp8_kernel_accepts_the_executors_unsupported_answer_and_nothing_vaguer(string language, string name)
    {
        var kernel = DtypeKernelFile.Get(language, name);
        var answer = Portal.Kernels.Cuda.CudaDtypes.Problem(new Portal.Kernels.Cuda.ComputeCapability(8, 0), [("x", ElementType.Float8E4M3)]);

        Assert.Equal("compute capability 8.9", kernel.UnsupportedIf);
        Assert.Contains(kernel.UnsupportedIf!, answer);
        Assert.Contains(kernel.UnsupportedIf!, File.ReadAllText(Path.Combine(FloatFormatsTests.RepositoryRoot(), "Portal.Kernels", "Triton", "harness.py")));
    }

    [Theory]
    [InlineData("h200-check.sh")]
    [InlineData("dtypes/run.sh")]
    [InlineData("out-of-bounds/run.sh")]
    public void The_runbooks_scripts_are_valid_bash(string script)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(Path.Combine(FloatFormatsTests.RepositoryRoot(), "scripts", "gpu", script));
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0, error);
    }
}
