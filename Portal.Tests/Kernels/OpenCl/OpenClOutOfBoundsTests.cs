using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// DESIGN.md "Out-of-bounds writes" on the OpenCL device: known-wrong vector adds whose every element of z is right,
/// but which write outside z or into an input, fail and say where; the correct one still passes. n = 1000 with
/// work-groups of 256 launches 1024 work-items, so a guard of i &lt;= n lets one of them write z[1000].
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClOutOfBoundsTests
{
    private const string Signature =
        "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n)\n";

    private static Task<KernelResult> Run(string body, params CaseSpec[] cases)
    {
        var spec = OpenClTestDevice.Suite("vector_add").Spec;
        return OpenClTestDevice.Run(spec with
        {
            Source = Signature + "{\n    int i = get_global_id(0);\n" + body + "}\n",
            Cases = cases,
            Timing = new TimingSpec(0, 2, 2),
        });
    }

    private static void AssertFailsWithRightElements(KernelResult result, string expected)
    {
        Assert.True(result.Status == KernelStatus.Failed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Contains(expected, result.Message);
        // Every in-range element was right: the stray write alone failed it.
        Assert.All(result.Cases!, c => Assert.Equal((KernelStatus.Failed, 0L), (c.Status, c.Mismatches)));
        Assert.Null(result.Timing);
    }

    [Fact]
    public async Task A_guard_of_i_at_most_n_writes_one_past_the_end_of_z_and_fails()
    {
        var result = await Run("    if (i <= n)\n        z[i] = x[i] + y[i];\n", N(1000));

        AssertFailsWithRightElements(result, "out of bounds after the end of z: the guard zone changed at z[1000] (1 element; z has 1000 elements)");
    }

    [Fact]
    public async Task A_write_to_z_at_n_plus_1000_is_blamed_on_z_not_on_a_neighbouring_buffer()
    {
        var result = await Run("    if (i < n)\n        z[i] = x[i] + y[i];\n    if (i == 0)\n        z[n + 1000] = 1.0f;\n", N(1000));

        AssertFailsWithRightElements(result, "out of bounds after the end of z: the guard zone changed at z[2000] (1 element");
        Assert.DoesNotMatch(@"\b[xy]\b", result.Message); // before guard zones, a neighbouring input took the write
    }

    [Fact]
    public async Task A_write_before_the_start_of_z_by_index_arithmetic_fails_and_says_before()
    {
        var result = await Run("    if (i < n)\n        z[i] = x[i] + y[i];\n    int before = i - 1;\n    if (i == 0)\n        z[before] = 1.0f;\n", N(1000));

        AssertFailsWithRightElements(result, "out of bounds before the start of z: the guard zone changed at z[-1] (1 element; z has 1000 elements)");
    }

    [Fact]
    public async Task A_kernel_that_clears_its_input_after_using_it_wrote_to_input_x()
    {
        // const is no protection: a cast takes it away, and the buffer is writable on the device.
        var result = await Run("    if (i < n) {\n        z[i] = x[i] + y[i];\n        ((__global float*)x)[i] = 0.0f;\n    }\n", N(1000));

        AssertFailsWithRightElements(result, "wrote to input x: ");
        Assert.DoesNotMatch(@"\by\b", result.Message);
    }

    [Fact]
    public async Task The_correct_vector_add_still_passes_and_is_timed()
    {
        var result = await Run("    if (i < n)\n        z[i] = x[i] + y[i];\n", N(1), N(1000), N(4097));

        Assert.True(result.Status == KernelStatus.Passed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Equal(4097, result.Timing!.Params["n"]);
    }
}
