using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>
/// What the cuda-c and triton suites must both be, checked here without a GPU: one kernel and spec per op,
/// each valid, covering the edge sizes, able to tell a zero-writer from a kernel, and timed large enough for an H200.
/// The language-specific checks (signatures, precision) are in CudaSuiteTests and TritonSuiteTests.
/// </summary>
public sealed class GpuSuiteFileTests
{
    private static readonly Dictionary<string, SuiteFiles> Suites = new()
    {
        ["cuda-c"] = new SuiteFiles("cuda-c", "cu"),
        ["triton"] = new SuiteFiles("triton", "py"),
    };

    public static TheoryData<string> Languages() => [.. Suites.Keys];

    /// <summary>Each language with each of its suite kernels: every op's f32 kernel and the dtype variants.</summary>
    public static TheoryData<string, string> LanguagesAndOps()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in Suites.Keys)
            foreach (var kernel in SuiteFiles.KernelNames())
                data.Add(language, kernel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_op_and_dtype_variant_has_one_kernel_and_one_spec(string language) => Suites[language].HasExactlyOneKernelAndSpecPerOpAndVariant();

    [Theory]
    [MemberData(nameof(LanguagesAndOps))]
    public void The_spec_file_has_no_source_and_names_its_language(string language, string op) =>
        Suites[language].SpecFileLeavesTheSourceToItsKernelFile(op);

    [Theory]
    [MemberData(nameof(LanguagesAndOps))]
    public void The_spec_with_its_kernel_source_validates(string language, string kernel)
    {
        var spec = Suites[language].Validated(kernel);
        Assert.Equal(language, spec.Language.Name());
        Assert.Equal(kernel.Split('.')[0], spec.Op.Name);
    }

    [Theory]
    [MemberData(nameof(LanguagesAndOps))]
    public void The_cases_start_with_one_element_include_an_odd_size_and_end_large_enough_to_time(string language, string op) =>
        Suites[language].CasesCoverTheEdgesAndEndLarge(op);

    [Theory]
    [MemberData(nameof(LanguagesAndOps))]
    public void Every_checked_case_can_tell_a_zero_writer_from_a_kernel(string language, string op) =>
        Suites[language].SmallCasesCanTellAZeroWriterFromAKernel(op);

    [Theory]
    [MemberData(nameof(Languages))]
    public void Vector_add_is_timed_at_two_to_the_28_elements_to_measure_near_peak_bandwidth(string language) =>
        Assert.Equal(1L << 28, Suites[language].Validated("vector_add").Cases[^1].Int("n"));
}
