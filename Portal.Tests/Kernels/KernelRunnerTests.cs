using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>The runner's verdicts, with <see cref="SimulatedDevice"/> standing in for a device.</summary>
public class KernelRunnerTests
{
    private static Task<KernelResult> Run(SimulatedDevice device, KernelSpec spec) =>
        new KernelRunner(device).RunAsync(spec, SimulatedDevice.Info, CancellationToken.None);

    public static TheoryData<string> Ops() => [.. OpCatalog.Names];

    /// <summary>An op's default cases without the large timed one, which a host-side float32 loop would take minutes over.</summary>
    private static KernelSpec DefaultSmallCases(string op) =>
        For(op, [.. OpCatalog.Get(op).ArgumentNames], [.. OpCatalog.Get(op).DefaultCases.SkipLast(1).Select(c => new CaseSpec(c))]) with
        {
            Language = "opencl-c", Launch = new LaunchSpec(Global: [1]), Timing = new TimingSpec(0, 2),
        };

    [Fact]
    public async Task A_correct_kernel_passes_every_case_and_is_timed_on_the_last()
    {
        var result = (await Run(new SimulatedDevice(), VectorAdd(N(1), N(1000), N(4096))));
        Assert.Equal(KernelStatus.Passed, result.Status);
        Assert.Equal(SimulatedDevice.Info, result.Device);
        Assert.Equal([1000L, 4096L], result.Cases!.Skip(1).Select(c => c.Elements));
        Assert.All(result.Cases!, c => Assert.Equal((KernelStatus.Passed, 0L, (object?)null), (c.Status, c.Mismatches, (object?)c.FirstMismatch)));
        Assert.Equal(4096, result.Timing!.Params["n"]);
        Assert.Equal(20, result.Timing.Iterations);
        Assert.StartsWith("all 3 cases passed; timed n=4096: median 1 ms over 20 launches", result.Message);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public async Task A_plain_float32_kernel_passes_every_ops_default_cases(string op)
    {
        var result = (await Run(new SimulatedDevice(), DefaultSmallCases(op)));
        Assert.True(result.Status == KernelStatus.Passed, result.Message);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public async Task A_kernel_that_misreads_one_input_element_fails_every_op(string op)
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.CorruptsLastInput }, DefaultSmallCases(op)));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Null(result.Timing);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public async Task A_kernel_that_writes_zeros_fails_every_case_of_every_op(string op)
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.WritesZeros }, DefaultSmallCases(op)));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.All(result.Cases!, c => Assert.Equal(KernelStatus.Failed, c.Status));
    }

    [Fact]
    public async Task A_kernel_that_skips_the_last_element_fails_with_exactly_that_element_reported()
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.SkipsLastElement }, VectorAdd(N(1000), N(4096))));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.All(result.Cases!, c => Assert.Equal(1, c.Mismatches));
        Assert.Equal(999, result.Cases![0].FirstMismatch!.Index);
        Assert.Equal(0, result.Cases[0].FirstMismatch!.Actual);
        Assert.StartsWith("cases[0] (n=1000): 1 of 1000 elements wrong; first z[999]: expected ", result.Message);
    }

    [Fact]
    public async Task A_kernel_that_loses_the_tail_fails_only_the_cases_that_are_no_multiple_of_256()
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.LosesTail }, VectorAdd(N(4096), N(1000), N(4097))));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal([KernelStatus.Passed, KernelStatus.Failed, KernelStatus.Failed], result.Cases!.Select(c => c.Status));
        Assert.Equal([0L, 1000 - 768L, 1L], result.Cases!.Select(c => c.Mismatches));
        Assert.StartsWith("cases[1] (n=1000)", result.Message);
        Assert.Null(result.Timing);
    }

    [Fact]
    public async Task A_kernel_with_the_wrong_formula_fails() =>
        Assert.Equal(KernelStatus.Failed, (await Run(new SimulatedDevice { Fault = Fault.WrongFormula }, VectorAdd())).Status);

    [Theory]
    [InlineData("vector_add")]
    [InlineData("softmax")]
    [InlineData("layernorm")]
    [InlineData("matmul")]
    public async Task A_kernel_a_tenth_of_a_percent_off_fails(string op) =>
        Assert.Equal(KernelStatus.Failed, (await Run(new SimulatedDevice { Fault = Fault.SlightlyOff }, DefaultSmallCases(op))).Status);

    [Fact]
    public async Task A_kernel_that_writes_one_nan_fails_and_the_result_says_so()
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.OneNaN }, VectorAdd(N(1000))));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal(1, result.Cases![0].Mismatches);
        Assert.True(double.IsNaN(result.Cases[0].FirstMismatch!.Actual));
        Assert.Contains("got NaN", result.Message);
        Assert.Contains("\"actual\":\"NaN\"", KernelResultJson.Serialize(result));
    }

    [Fact]
    public async Task A_kernel_that_only_works_on_its_first_launch_fails_the_recheck_after_timing()
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.LazyAfterFirstLaunch }, VectorAdd(N(1000))));
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Contains("right after one launch but wrong after the timed launches", result.Message);
        Assert.Equal(1000, result.Cases!.Single().Mismatches);
        Assert.Null(result.Timing);
    }

    [Fact]
    public async Task A_compile_error_carries_the_build_log_and_launches_nothing()
    {
        var device = new SimulatedDevice { PrepareFailure = new ExecutionFailure(FailureKind.CompileError, "build failed", "1:5: error: expected ';'") };
        var result = (await Run(device, VectorAdd()));
        Assert.Equal(KernelStatus.CompileError, result.Status);
        Assert.Equal("1:5: error: expected ';'", result.CompileLog);
        Assert.Equal("compiling: build failed", result.Message);
        Assert.Empty(device.Requests);
    }

    [Theory]
    [InlineData(FailureKind.RuntimeError, KernelStatus.RuntimeError)]
    [InlineData(FailureKind.Crashed, KernelStatus.Crashed)]
    [InlineData(FailureKind.Timeout, KernelStatus.Timeout)]
    [InlineData(FailureKind.Unsupported, KernelStatus.Unsupported)]
    public async Task A_launch_failure_becomes_the_matching_status_naming_the_case(FailureKind kind, KernelStatus status)
    {
        var result = (await Run(new SimulatedDevice { LaunchFailure = new ExecutionFailure(kind, "CL_INVALID_WORK_GROUP_SIZE") }, VectorAdd()));
        Assert.Equal(status, result.Status);
        Assert.Equal("cases[0] (n=1): CL_INVALID_WORK_GROUP_SIZE", result.Message);
    }

    [Fact]
    public async Task An_unsupported_device_is_reported_without_compiling()
    {
        var device = new SimulatedDevice { Supported = false };
        var result = (await Run(device, VectorAdd()));
        Assert.Equal(KernelStatus.Unsupported, result.Status);
        Assert.Null(device.Spec);
    }

    [Fact]
    public async Task A_spec_in_another_language_than_the_executors_is_unsupported() =>
        Assert.Equal(KernelStatus.Unsupported,
            (await Run(new SimulatedDevice(KernelLanguage.CudaC), VectorAdd())).Status);

    [Fact]
    public async Task An_invalid_spec_is_a_result_naming_the_field_and_nothing_runs()
    {
        var device = new SimulatedDevice();
        var result = (await Run(device, VectorAdd() with { Op = "vector_sub" }));
        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.StartsWith("op: unknown op 'vector_sub'", result.Message);
        Assert.Equal(SimulatedDevice.Info, result.Device);
        Assert.Null(device.Spec);
    }

    [Fact]
    public async Task Json_that_is_not_a_spec_is_an_invalid_spec_result() =>
        Assert.Equal(KernelStatus.InvalidSpec,
            (await new KernelRunner(new SimulatedDevice()).RunAsync("{", SimulatedDevice.Info, CancellationToken.None)).Status);

    [Fact]
    public async Task A_tolerance_that_would_let_zeros_pass_is_an_invalid_spec_naming_the_case_and_buffer()
    {
        var result = (await Run(new SimulatedDevice(), VectorAdd() with { Tolerance = new ToleranceSpec(Atol: 100) }));
        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.Matches(@"^cases\[0\] \(n=\d+\): only 0 of \d+ elements of reference z ", result.Message);
        Assert.Contains("a kernel writing zeros would match most of z", result.Message);
    }

    [Fact]
    public async Task Arguments_arrive_in_the_specs_order_with_outputs_left_for_the_device_to_zero_fill()
    {
        var device = new SimulatedDevice();
        _ = (await Run(device, For("saxpy", ["n", "z", "a", "x", "y"], Case(("n", 3), ("a", 0.1))) with
        {
            Language = "opencl-c", Launch = new LaunchSpec(Global: ["ceil_div(n, 2) * 2"]),
        }));
        var request = device.Requests[0];
        Assert.Equal(["n", "z", "a", "x", "y"], request.Arguments.Select(a => a.Name));
        Assert.Equal(new IntArgument("n", 3), request.Arguments[0]);
        Assert.Equal(new FloatArgument("a", 0.1f), request.Arguments[2]);
        var z = Assert.IsType<BufferArgument>(request.Arguments[1]);
        Assert.Null(z.Input);
        Assert.Equal(3, Assert.IsType<BufferArgument>(request.Arguments[3]).Input!.Length);
        Assert.Equal([4L], request.Dimensions.Global);
    }

    [Fact]
    public async Task Outputs_of_the_wrong_shape_are_a_runtime_error_not_a_comparison()
    {
        var result = (await Run(new SimulatedDevice { Fault = Fault.ShortOutput }, VectorAdd()));
        Assert.Equal(KernelStatus.RuntimeError, result.Status);
        Assert.Contains("output z is float32[0], not float32[1]", result.Message);
    }

    [Fact]
    public async Task The_prepared_kernel_is_disposed_after_the_run()
    {
        var device = new SimulatedDevice();
        _ = (await Run(device, VectorAdd()));
        Assert.True(device.Disposed);
    }
}
