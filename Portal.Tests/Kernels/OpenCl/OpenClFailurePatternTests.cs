using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// Each failure pattern the engine names (MismatchPatterns) has a known-wrong kernel on the OpenCL device that fails with
/// exactly that pattern, beside the correct kernel that passes with none; and a compile error names the user's line in
/// kernel.cl, never the driver's cache file.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClFailurePatternTests
{
    private const string Sum = "z[i] = x[i] + y[i];";

    private static async Task<KernelResult> VectorAdd(string correct, string wrong, string expectStatus = "failed")
    {
        var spec = OpenClTestDevice.Suite("vector_add").Spec;
        Assert.Contains(correct, spec.Source); // the bug must be put in, or the test proves nothing
        var result = await OpenClTestDevice.Run(spec with
        {
            Source = spec.Source!.Replace(correct, wrong, StringComparison.Ordinal),
            Cases = [N(1000)],
            Timing = new TimingSpec(0, 2, 2),
        });
        Assert.True(result.Status.Name() == expectStatus, $"{result.Status}: {result.Message}\n{result.CompileLog}");
        return result;
    }

    private static async Task<CaseResult> FailsWith(string wrong, string code)
    {
        var result = await VectorAdd(Sum, wrong);
        var failed = Assert.Single(result.Cases!);
        Assert.Equal(code, failed.Pattern?.Code);
        return failed;
    }

    [Fact]
    public async Task The_correct_kernel_passes_with_no_pattern()
    {
        var result = await VectorAdd(Sum, Sum, "passed");

        Assert.All(result.Cases!, c => Assert.Null(c.Pattern));
    }

    [Fact]
    public async Task A_kernel_that_stops_three_short_has_its_tail_not_written()
    {
        var result = await VectorAdd("if (i < n)", "if (i < n - 3)");

        var failed = Assert.Single(result.Cases!);
        Assert.Equal(MismatchPatterns.TailNotWritten, failed.Pattern!.Code);
        Assert.Equal((997.0, 3.0), (failed.Pattern.Parameters!["from"], failed.Pattern.Parameters["count"]));
        Assert.Contains("the tail is not written", result.Message);
    }

    [Fact]
    public async Task A_kernel_that_writes_nothing_is_named_not_written()
    {
        var failed = (await VectorAdd("if (i < n)", "if (i < 0)")).Cases![0];

        Assert.Equal(MismatchPatterns.NotWritten, failed.Pattern!.Code);
    }

    [Fact]
    public async Task A_kernel_that_adds_a_constant_is_off_by_that_constant()
    {
        var failed = await FailsWith("z[i] = x[i] + y[i] + 0.5f;", MismatchPatterns.ConstantOffset);

        Assert.Equal(0.5, failed.Pattern!.Parameters!["offset"], 4);
    }

    [Fact]
    public async Task A_kernel_that_doubles_its_answer_is_scaled_by_two()
    {
        var failed = await FailsWith("z[i] = 2.0f * (x[i] + y[i]);", MismatchPatterns.ConstantScale);

        Assert.Equal(2.0, failed.Pattern!.Parameters!["factor"], 4);
    }

    [Fact]
    public async Task A_kernel_that_writes_NaN_is_named_not_finite()
    {
        var failed = await FailsWith("z[i] = (i % 100 == 7) ? NAN : x[i] + y[i];", MismatchPatterns.NotFinite);

        Assert.Equal(10.0, failed.Pattern!.Parameters!["count"]);
        Assert.Equal(7, failed.FirstMismatch!.Index);
    }

    [Fact]
    public async Task A_kernel_that_writes_in_reverse_order_has_its_values_permuted()
    {
        await FailsWith("z[n - 1 - i] = x[i] + y[i];", MismatchPatterns.Permuted);
    }

    [Fact]
    public async Task The_first_wrong_element_of_an_elementwise_op_shows_its_inputs()
    {
        var failed = await FailsWith("z[i] = x[i] + y[i] + 0.5f;", MismatchPatterns.ConstantOffset);

        var first = failed.FirstMismatch!;
        Assert.Equal(["x", "y"], first.Inputs!.Keys.Order());
        Assert.Equal(first.Expected, first.Inputs["x"] + first.Inputs["y"], 5);
        Assert.Null(first.Position);
    }

    [Fact]
    public async Task The_first_wrong_element_of_a_row_op_shows_its_row_column_and_per_column_inputs()
    {
        var spec = OpenClTestDevice.Suite("layernorm").Spec;
        const string correct = "__global float* out = y + (size_t)get_group_id(0) * cols;";
        Assert.Contains(correct, spec.Source);
        // Row 1 writes over row 0's place; rows 1.. are left as the zero fill.
        var result = await OpenClTestDevice.Run(spec with
        {
            Source = spec.Source!.Replace(correct, "__global float* out = y + (get_group_id(0) == 1 ? 0 : (size_t)get_group_id(0) * cols);", StringComparison.Ordinal),
            Cases = [new Dictionary<string, double> { ["rows"] = 3, ["cols"] = 300 }],
            Timing = new TimingSpec(0, 2, 2),
        });

        Assert.Equal(KernelStatus.Failed, result.Status);
        var first = result.Cases![0].FirstMismatch!;
        Assert.Equal(first.Index / 300, first.Position!["row"]);
        Assert.Equal(first.Index % 300, first.Position["col"]);
        Assert.Contains("x", first.Inputs!.Keys);
        Assert.Contains("gamma", first.Inputs.Keys);
        Assert.Contains("beta", first.Inputs.Keys);
    }

    [Fact]
    public async Task A_compile_error_names_the_users_line_in_kernel_cl_and_no_host_path()
    {
        // Line 7 of the suite's vector_add.cl is the assignment.
        var result = await VectorAdd("x[i] + y[i]", "x[i] + undeclared_q", "compile_error");

        Assert.Contains("kernel.cl:7:", result.CompileLog);
        Assert.DoesNotContain("tempfile", result.CompileLog + result.Message);
        Assert.DoesNotContain("/root", result.CompileLog + result.Message);
        Assert.DoesNotContain("/.cache", result.CompileLog + result.Message);
        Assert.Contains("undeclared_q", result.CompileLog);
    }

    [Fact]
    public async Task The_runner_reports_each_case_as_it_starts_and_the_timing_once()
    {
        var steps = new StepList();
        var spec = OpenClTestDevice.Suite("vector_add").Spec with { Cases = [N(10), N(300), N(1000)], Timing = new TimingSpec(0, 2, 2) };

        var result = await new KernelRunner(new OpenClExecutor(), progress: steps).RunAsync(spec, OpenClTestDevice.Info, CancellationToken.None);

        Assert.Equal(KernelStatus.Passed, result.Status);
        Assert.Equal([new JobProgress(1, 3, JobProgress.Checking), new JobProgress(2, 3, JobProgress.Checking),
            new JobProgress(3, 3, JobProgress.Checking), new JobProgress(3, 3, JobProgress.Timing)], steps.Items);
    }

    /// <summary>Collects what is reported, synchronously and in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class StepList : IProgress<JobProgress>
    {
        public List<JobProgress> Items { get; } = [];

        public void Report(JobProgress value) => Items.Add(value);
    }
}

public class JobProgressLineTests
{
    [Theory]
    [InlineData("portal-progress 3 5 checking", 5, true)]
    [InlineData("portal-progress 5 5 timing", 5, true)]
    [InlineData("portal-progress 6 5 checking", 5, false)] // past the last case
    [InlineData("portal-progress 3 9 checking", 5, false)] // not this job's number of cases
    [InlineData("portal-progress 0 5 checking", 5, false)]
    [InlineData("portal-progress 3 5 done", 5, false)] // no such phase
    [InlineData("portal-progress -1 5 checking", 5, false)]
    [InlineData("hello from printf", 5, false)]
    public void A_line_is_progress_only_when_it_could_describe_this_job(string line, int cases, bool accepted)
    {
        Assert.Equal(accepted, JobProgress.ParseLine(line, cases) is not null);
    }

    [Fact]
    public void A_step_reads_back_from_its_line()
    {
        var step = new JobProgress(2, 4, JobProgress.Timing);
        Assert.Equal(step, JobProgress.ParseLine(step.ToLine(), 4));
    }
}
