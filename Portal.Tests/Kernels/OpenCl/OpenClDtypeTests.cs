using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// Storage dtypes on the OpenCL device (PoCL here): the runbook's opencl-c kernels (scripts/gpu/dtypes/opencl-c) get
/// their verdicts, f16 storage through vload_half/vstore_half works without cl_khr_fp16, and arithmetic in half on a
/// device without the extension is unsupported naming it, never a compile error.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClDtypeTests
{
    public static TheoryData<string> Kernels() => [.. DtypeKernelFile.Of("opencl-c").Select(k => k.Name)];

    private static Task<KernelResult> Run(string json) =>
        new KernelRunner(new OpenClExecutor()).RunAsync(json, OpenClTestDevice.Info, CancellationToken.None);

    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task The_runbooks_opencl_dtype_kernel_gets_its_verdict_for_the_right_reason(string name)
    {
        var kernel = DtypeKernelFile.Get("opencl-c", name);

        var result = await Run(kernel.SpecJson());

        Assert.True(result.Status.ToString().Equals(kernel.Status, StringComparison.OrdinalIgnoreCase), $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Contains(kernel.MessageText, result.Message);
        if (kernel.Status == "passed")
            Assert.NotNull(result.Timing);
    }

    private const string HalfArithmetic =
        "__kernel void vector_add(__global const half* x, __global const half* y, __global half* z, const int n)\n" +
        "{ int i = get_global_id(0); if (i < n) { half a = x[i]; half b = y[i]; z[i] = a + b; } }\n";

    [Theory]
    [InlineData("#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n")]
    [InlineData("")]
    public async Task Arithmetic_in_half_on_a_device_without_cl_khr_fp16_is_unsupported_naming_it(string pragma)
    {
        var kernel = DtypeKernelFile.Get("opencl-c", "vector_add_f16");
        var spec = kernel.Spec.DeepClone().AsObject();
        spec["language"] = "opencl-c";
        spec["source"] = pragma + HalfArithmetic;

        var result = await Run(spec.ToJsonString());

        // PoCL's CPU device offers no cl_khr_fp16 (clinfo: "Half-precision Floating-point support (n/a)"). A device
        // that did would run the kernel; this test is about the one that does not.
        Assert.False(Portal.Kernels.OpenCl.HalfArithmetic.Supported(DeviceExtensions()), "this test needs a device without cl_khr_fp16");
        Assert.True(result.Status == KernelStatus.Unsupported, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Contains("cl_khr_fp16", result.Message);
        Assert.Contains("vload_half/vstore_half", result.Message);
    }

    private static string DeviceExtensions()
    {
        var located = OpenClDiscovery.Locate(OpenClTestDevice.Device.Id)!.Value;
        return Portal.Kernels.OpenCl.Interop.ClInfo.DeviceText(located.Device, Portal.Kernels.OpenCl.Interop.ClInfo.DeviceExtensions);
    }
}

/// <summary>The rule itself, on the device descriptions and build logs it decides from.</summary>
public class HalfArithmeticRuleTests
{
    private const string Pocl = "cl_khr_byte_addressable_store cl_khr_global_int32_base_atomics cl_khr_fp64";
    private const string WithFp16 = "cl_khr_fp64 cl_khr_fp16 cl_khr_byte_addressable_store";

    [Theory]
    [InlineData("#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n__kernel void k() {}")]
    [InlineData("#  pragma   OPENCL EXTENSION cl_khr_fp16:enable\n")]
    [InlineData("#pragma OPENCL EXTENSION all : enable\n")]
    public void A_source_that_enables_fp16_is_unsupported_before_the_build_on_a_device_without_it(string source)
    {
        var message = HalfArithmetic.BeforeBuild(source, Pocl, "pthread-haswell");

        Assert.Equal("the kernel enables cl_khr_fp16 (arithmetic in half), which pthread-haswell does not offer; " +
            "keep f16 buffers as storage (vload_half/vstore_half) and compute in float", message);
        Assert.Null(HalfArithmetic.BeforeBuild(source, WithFp16, "gpu"));
    }

    [Fact]
    public void Storage_through_vload_half_needs_no_extension()
    {
        const string storage = "__kernel void k(__global const half* x, __global half* y) { vstore_half(vload_half(0, x) * 2.0f, 0, y); }";

        Assert.Null(HalfArithmetic.BeforeBuild(storage, Pocl, "cpu"));
        Assert.Null(HalfArithmetic.AfterFailedBuild("error: use of undeclared identifier 'q'", Pocl, "cpu"));
    }

    [Theory]
    [InlineData("error: t.cl:2:118: declaring variable of type '__private half' is not allowed")]
    [InlineData("error: t.cl:2:145: casting to type 'half' is not allowed")]
    [InlineData("warning: t.cl:1:26: unsupported OpenCL extension 'cl_khr_fp16' - ignoring")]
    public void A_build_that_fails_over_half_is_unsupported_on_a_device_without_fp16_and_a_compile_error_with_it(string log)
    {
        Assert.StartsWith("the kernel computes in half, which needs cl_khr_fp16, and cpu does not offer it", HalfArithmetic.AfterFailedBuild(log, Pocl, "cpu"));
        Assert.Null(HalfArithmetic.AfterFailedBuild(log, WithFp16, "gpu"));
        Assert.Null(HalfArithmetic.AfterFailedBuild(null, Pocl, "cpu"));
    }

    [Fact]
    public void The_extension_is_matched_as_a_whole_word()
    {
        Assert.True(HalfArithmetic.Supported(WithFp16));
        Assert.False(HalfArithmetic.Supported(Pocl));
        Assert.False(HalfArithmetic.Supported("cl_khr_fp16_extended"));
    }
}
