using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// For every op, the suite's kernel with one natural bug put in fails on the OpenCL device, with the mismatch
/// the bug must cause. Each bug is a text replacement in the correct kernel, so the test shows it as a diff.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClWrongKernelTests
{
    private static async Task<KernelResult> RunWith(string op, string correct, string wrong, params CaseSpec[] cases)
    {
        var spec = OpenClTestDevice.Suite(op).Spec;
        Assert.Contains(correct, spec.Source); // the bug must be put in, or the test proves nothing
        var result = await OpenClTestDevice.Run(spec with
        {
            Source = spec.Source!.Replace(correct, wrong, StringComparison.Ordinal),
            Cases = cases,
            Timing = new TimingSpec(0, 2, 2),
        });
        Assert.True(result.Status == KernelStatus.Failed, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        Assert.Null(result.Timing);
        return result;
    }

    /// <summary>The last case failed with exactly these mismatches; the ones before it passed.</summary>
    private static void AssertLastCaseFails(KernelResult result, long mismatches, string buffer, long firstIndex)
    {
        Assert.All(result.Cases!.SkipLast(1), c => Assert.Equal(KernelStatus.Passed, c.Status));
        var failed = result.Cases![^1];
        Assert.Equal((KernelStatus.Failed, mismatches, buffer, firstIndex),
            (failed.Status, failed.Mismatches, failed.FirstMismatch!.Buffer, failed.FirstMismatch.Index));
    }

    [Fact]
    public async Task Vector_add_that_stops_one_short_misses_exactly_the_last_element()
    {
        var result = await RunWith("vector_add", "if (i < n)", "if (i < n - 1)", N(1000));

        AssertLastCaseFails(result, 1, "z", 999);
        Assert.Equal(0, result.Cases![0].FirstMismatch!.Actual); // left as the zero fill
    }

    [Fact]
    public async Task Saxpy_without_its_scalar_tail_loses_what_is_past_the_last_group_of_four()
    {
        var result = await RunWith("saxpy", "} else {", "} else if (0) {", N(1000), N(1003));

        AssertLastCaseFails(result, 3, "z", 1000);
    }

    [Fact]
    public async Task Gelu_in_its_erf_form_is_a_different_function_at_this_tolerance()
    {
        var result = await RunWith("gelu", "tanh(0.7978845608f * (v + 0.044715f * v * v * v))", "erf(v * 0.70710678f)", N(10000));

        var failed = Assert.Single(result.Cases!);
        Assert.True(failed.Mismatches > 1000, $"{failed.Mismatches} mismatches");
        // A near miss, not garbage: exactly what the tolerance exists to catch.
        Assert.True(failed.MaxAbsError < 0.05, $"max absolute error {failed.MaxAbsError}, relative {failed.MaxRelError}");
    }

    [Fact]
    public async Task Reduce_sum_whose_work_groups_store_instead_of_add_keeps_one_partial_sum()
    {
        var result = await RunWith("reduce_sum", "atomic_add_float(s, partial[0]);", "*s = partial[0];", N(256), N(1000003));

        AssertLastCaseFails(result, 1, "s", 0);
    }

    [Fact]
    public async Task Histogram_that_merges_only_as_many_bins_as_work_items_loses_the_rest()
    {
        var result = await RunWith("histogram", "if (counts[b] != 0)", "if (b < GROUP && counts[b] != 0)",
            Case(("n", 100003), ("bins", 200)), Case(("n", 100003), ("bins", 1000)));

        // About 100 of each value: every bin from 256 on is non-empty, and left at zero.
        AssertLastCaseFails(result, 1000 - 256, "h", 256);
    }

    [Fact]
    public async Task Prefix_sum_that_drops_the_carry_between_chunks_is_wrong_from_the_second_chunk_on()
    {
        var result = await RunWith("prefix_sum", "int before = carry + totals[lid] - running;", "int before = totals[lid] - running;",
            N(1024), N(5000));

        AssertLastCaseFails(result, 5000 - 1024, "y", 1024);
    }

    [Fact]
    public async Task Transpose_that_forgets_to_transpose_inside_the_tile_is_right_only_on_tile_diagonals()
    {
        var result = await RunWith("transpose", "= tile[lx][ly];", "= tile[ly][lx];", Case(("rows", 1), ("cols", 1)), Case(("rows", 32), ("cols", 32)));

        // Four 16×16 tiles, each right only where lx = ly.
        AssertLastCaseFails(result, 32 * 32 - 4 * 16, "y", 1);
    }

    [Fact]
    public async Task Softmax_that_assumes_a_row_fits_in_one_work_group_fails_longer_rows()
    {
        var result = await RunWith("softmax",
            "for (int j = lid; j < cols; j += GROUP)\n        sum += exp(in[j] - largest);",
            "if (lid < cols)\n        sum = exp(in[lid] - largest);",
            Case(("rows", 2), ("cols", 200)), Case(("rows", 2), ("cols", 300)));

        AssertLastCaseFails(result, 600, "y", 0);
    }

    [Fact]
    public async Task Layernorm_with_the_unbiased_variance_fails()
    {
        var result = await RunWith("layernorm", "group_sum(squares, scratch) / cols;", "group_sum(squares, scratch) / (cols - 1);",
            Case(("rows", 64), ("cols", 16)));

        // Off by a factor √(16/15) on the normalised part: only elements very close to their row's mean survive.
        var failed = Assert.Single(result.Cases!);
        Assert.True(failed.Mismatches > failed.Elements * 3 / 4, $"{failed.Mismatches} of {failed.Elements}");
    }

    [Fact]
    public async Task Rmsnorm_that_divides_by_the_sum_of_squares_instead_of_their_mean_fails_all_but_single_column_rows()
    {
        var result = await RunWith("rmsnorm", "group_sum(squares, scratch) / cols + eps", "group_sum(squares, scratch) + eps",
            Case(("rows", 4), ("cols", 1)), Case(("rows", 4), ("cols", 100)));

        AssertLastCaseFails(result, 400, "y", 0);
    }

    [Fact]
    public async Task Matmul_that_skips_the_last_partial_tile_of_k_misses_a_term_in_every_element()
    {
        var result = await RunWith("matmul", "int tiles = (k - 1) / TILE + 1;", "int tiles = k / TILE;",
            Case(("m", 17), ("n", 33), ("k", 64)), Case(("m", 17), ("n", 33), ("k", 65)));

        AssertLastCaseFails(result, 17 * 33, "c", 0);
    }
}
