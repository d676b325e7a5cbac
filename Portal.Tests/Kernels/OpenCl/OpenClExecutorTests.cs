using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Inputs;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>What the OpenCL executor reports when a kernel does not compile or launch, and how it times.</summary>
[Collection(OpenClCollection.Name)]
public class OpenClExecutorTests
{
    private static KernelSpec VectorAddWith(string source) =>
        OpenClTestDevice.Suite("vector_add").Spec with { Source = source, Cases = [N(1000)], Timing = new TimingSpec(0, 2, 2) };

    /// <summary>
    /// Issue 10: a plain saxpy with a = -0.75 was refused as invalid_spec because integer-valued inputs make some
    /// z = a·x + y exactly zero. It is a valid case: a right kernel passes, and a kernel writing zeros still fails.
    /// </summary>
    [Fact]
    public async Task A_saxpy_case_whose_reference_has_exact_zeros_passes_and_a_kernel_writing_zeros_fails()
    {
        var spec = OpenClTestDevice.Suite("saxpy").Spec with { Cases = [Case(("n", 1000), ("a", -0.75))], Timing = new TimingSpec(0, 2, 2) };
        var op = OpCatalog.Get("saxpy");
        var parameters = OpCatalogTests.Resolve(op, spec.Cases[0].Params);
        var reference = op.Reference(parameters, InputGenerator.Generate(op, parameters, spec.Seed ?? KernelLimits.Default.DefaultSeed));
        Assert.Contains(0.0, reference["z"]);

        var right = await OpenClTestDevice.Run(spec);
        var zeros = await OpenClTestDevice.Run(spec with
        {
            Source = "__kernel void saxpy(__global const float* x, __global const float* y, __global float* z, const int n, const float a) " +
                "{ int i = get_global_id(0); if (i < n) z[i] = 0.0f; }",
            Launch = new LaunchSpec(Global: ["n"]),
        });

        Assert.Equal(KernelStatus.Passed, right.Status);
        Assert.Equal(KernelStatus.Failed, zeros.Status);
    }

    [Fact]
    public async Task A_compile_error_returns_the_drivers_build_log()
    {
        var result = await OpenClTestDevice.Run(VectorAddWith(VectorAddSource.Replace("x[i] + y[i]", "x[i] + ", StringComparison.Ordinal)));

        Assert.Equal(KernelStatus.CompileError, result.Status);
        Assert.StartsWith("compiling: the device's OpenCL C compiler rejected the source: ", result.Message);
        Assert.Contains("error", result.CompileLog, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(result.Cases!);
    }

    [Fact]
    public async Task A_missing_entry_is_a_compile_error_naming_it_and_the_kernels_there_are()
    {
        var result = await OpenClTestDevice.Run(VectorAddWith(VectorAddSource) with { Entry = "vector_sum" });

        Assert.Equal(KernelStatus.CompileError, result.Status);
        Assert.Equal("compiling: the source has no __kernel function named 'vector_sum'; it defines: vector_add", result.Message);
    }

    [Fact]
    public async Task A_kernel_taking_other_parameters_than_args_lists_is_a_compile_error()
    {
        var source = "__kernel void vector_add(__global const float* x, __global float* z, const int n) { int i = get_global_id(0); if (i < n) z[i] = x[i]; }";

        var result = await OpenClTestDevice.Run(VectorAddWith(source));

        Assert.Equal(KernelStatus.CompileError, result.Status);
        Assert.Equal("compiling: kernel 'vector_add' takes 3 parameters but args lists 4 (x, y, z, n)", result.Message);
    }

    [Theory]
    [InlineData("vector_add", 8192)] // more work-items per group than the device allows
    [InlineData("matmul", 16)]       // not the kernel's reqd_work_group_size(32, 8, 1)
    public async Task A_launch_shape_the_device_refuses_is_a_runtime_error(string op, int local)
    {
        var spec = OpenClTestDevice.Suite(op).Spec;
        var launch = op == "matmul"
            ? new LaunchSpec(Global: ["ceil_div(n, 32) * 32", "ceil_div(m, 32) * 8"], Local: [local, 8])
            : new LaunchSpec(Global: [local], Local: [local]);

        var result = await OpenClTestDevice.Run(spec with { Launch = launch, Cases = [spec.Cases![1]] });

        Assert.Equal(KernelStatus.RuntimeError, result.Status);
        Assert.Contains("clEnqueueNDRangeKernel", result.Message);
        Assert.Matches("CL_INVALID_WORK_(GROUP|ITEM)_SIZE", result.Message);
    }

    /// <summary>A prepared vector_add on the device, and a launch request for n elements with its inputs.</summary>
    private static async Task<(IPreparedKernel Kernel, LaunchRequest Request, IReadOnlyDictionary<string, HostBuffer> Inputs)> PrepareVectorAdd(
        int n, TimedRepetitions timing)
    {
        var spec = KernelSpecValidator.Validate(VectorAddWith(VectorAddSource) with { Cases = [N(n)] }).Spec!;
        var parameters = spec.Cases[0];
        var inputs = InputGenerator.Generate(spec.Op, parameters, spec.Seed);
        KernelArgument[] arguments =
        [
            new BufferArgument("x", ElementType.Float32, n, BufferRole.Input, inputs["x"]),
            new BufferArgument("y", ElementType.Float32, n, BufferRole.Input, inputs["y"]),
            new BufferArgument("z", ElementType.Float32, n, BufferRole.Output, null),
            new IntArgument("n", n),
        ];
        var preparation = await new OpenClExecutor().PrepareAsync(spec, OpenClTestDevice.Info, CancellationToken.None);
        Assert.Null(preparation.Failure);
        return (preparation.Kernel!, new LaunchRequest(parameters, spec.Launch.Evaluate(parameters), arguments, timing), inputs);
    }

    [Fact]
    public async Task A_timed_launch_gives_one_positive_device_time_per_timed_iteration_and_the_right_outputs()
    {
        var (prepared, request, inputs) = await PrepareVectorAdd(100_000, new TimedRepetitions(2, 7));
        await using var kernel = prepared;

        var outcome = await kernel.LaunchAsync(request, CancellationToken.None);

        Assert.Null(outcome.Failure);
        Assert.Equal(7, outcome.DeviceTimesMs!.Count);
        Assert.All(outcome.DeviceTimesMs, t => Assert.True(t > 0 && double.IsFinite(t), $"{t} ms"));
        var z = outcome.Outputs!["z"];
        Assert.Equal(inputs["x"][99_999] + inputs["y"][99_999], z[99_999]);
    }

    [Fact]
    public async Task Launching_stops_between_launches_when_the_jobs_time_is_up()
    {
        var (prepared, request, _) = await PrepareVectorAdd(100_000, new TimedRepetitions(0, 1_000_000));
        await using var kernel = prepared;
        using var timeUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kernel.LaunchAsync(request, timeUp.Token));
    }

    [Fact]
    public async Task Timing_through_the_runner_reports_positive_bandwidth()
    {
        var result = await OpenClTestDevice.Run(VectorAddWith(VectorAddSource) with
        {
            Cases = [N(1_000_000)], Timing = new TimingSpec(Warmup: 1, Iterations: 5, MaxIterations: 5),
        });

        Assert.Equal(KernelStatus.Passed, result.Status);
        Assert.Equal(5, result.Timing!.Iterations);
        Assert.True(result.Timing.GbPerSecond > 0);
        Assert.True(result.Timing.MinMs > 0 && result.Timing.MinMs <= result.Timing.MedianMs);
    }

    [Fact]
    public async Task A_kernel_that_accumulates_into_its_output_passes_because_outputs_are_zeroed_before_every_launch()
    {
        var accumulating = VectorAddSource.Replace("z[i] = x[i] + y[i]", "z[i] += x[i] + y[i]", StringComparison.Ordinal);
        Assert.NotEqual(VectorAddSource, accumulating);

        var result = await OpenClTestDevice.Run(VectorAddWith(accumulating) with { Timing = new TimingSpec(Warmup: 3, Iterations: 4, MaxIterations: 4) });

        Assert.True(result.Status == KernelStatus.Passed, result.Message);
        Assert.Equal(4, result.Timing!.Iterations);
    }

    [Fact]
    public async Task A_device_this_host_does_not_have_is_unsupported()
    {
        var result = await new KernelRunner(new OpenClExecutor()).RunAsync(
            VectorAddWith(VectorAddSource), OpenClTestDevice.Info with { Id = "opencl:42:0" }, CancellationToken.None);

        Assert.Equal(KernelStatus.Unsupported, result.Status);
    }

    [Theory]
    [InlineData("gpu", 50L << 20, 4L << 30, 80L << 30, 256L << 20)]  // an L2 of 50 MiB: the 256 MiB floor
    [InlineData("gpu", 128L << 20, 16L << 30, 80L << 30, 512L << 20)] // a large L2: four times it
    [InlineData("gpu", 50L << 20, 4L << 30, 1L << 30, 128L << 20)]   // a small device: an eighth of its memory
    [InlineData("cpu", 32L << 20, 4L << 30, 9L << 30, 64L << 20)]    // twice the last-level cache
    [InlineData("cpu", 0, 4L << 30, 9L << 30, 8L << 20)]             // no cache reported: the floor
    [InlineData("cpu", 1L << 30, 4L << 30, 64L << 30, 256L << 20)]   // capped for host memory
    public void The_cache_flush_writes_more_than_the_last_level_cache(string type, long cache, long maxAllocation, long memory, long expected)
    {
        Assert.Equal(expected, CacheFlush.SizeFor(type, cache, maxAllocation, memory));
    }
}
