using Microsoft.Extensions.Time.Testing;
using Portal.Kernels.Execution;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>How the runner times the last case and enforces timeoutSeconds.</summary>
public class RunnerTimingTests
{
    private readonly FakeTimeProvider clock = new();

    private Task<KernelResult> Run(SimulatedDevice device, KernelSpec spec, CancellationToken cancellationToken = default) =>
        new KernelRunner(device, clock).RunAsync(spec, SimulatedDevice.Info, cancellationToken);

    private static IEnumerable<TimedRepetitions?> Timings(SimulatedDevice device) => device.Requests.Select(r => r.Timing);

    [Fact]
    public async Task Steady_device_times_need_only_one_batch_after_the_warm_up()
    {
        var device = new SimulatedDevice();
        var result = await Run(device, VectorAdd(N(1), N(64)));
        Assert.Equal([null, null, new TimedRepetitions(3, 20)], Timings(device));
        Assert.Equal(20, result.Timing!.Iterations);
    }

    [Fact]
    public async Task A_fast_noisy_kernel_is_sampled_until_the_standard_error_of_the_median_is_under_one_percent()
    {
        // Times spread evenly over 0.95–1.05 ms: the median's standard error is 1.02 % after 60 launches and 0.51 %
        // after 80, far from the 200 cap and the 2 s budget (80 ms spent).
        var device = new SimulatedDevice { DeviceTime = i => 1.0 + 0.01 * (i * 7 % 11 - 5) };
        var result = await Run(device, VectorAdd(N(64)));
        Assert.Equal(80, result.Timing!.Iterations);
        Assert.Equal([new TimedRepetitions(3, 20), new TimedRepetitions(0, 20), new TimedRepetitions(0, 20), new TimedRepetitions(0, 20)],
            Timings(device).Skip(1));
        Assert.Equal(TimingStops.RelativeStandardError, result.Timing.StoppedBy);
        Assert.True(result.Timing.MedianRelativeStandardError < 0.01);
        Assert.Equal(1.0, result.Timing.MedianMs, 12);
        Assert.Equal(0.95, result.Timing.MinMs, 12);
        Assert.Equal(1.05, result.Timing.MaxMs, 12);
    }

    /// <summary>A device on which every call takes as long, in wall time on the fake clock, as one launch.</summary>
    private SimulatedDevice SlowDevice(double launchMs, Func<int, double> deviceTime) => new()
    {
        DeviceTime = deviceTime,
        BeforeLaunch = _ =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(launchMs));
            return Task.CompletedTask;
        },
    };

    [Fact]
    public async Task A_140_ms_kernel_gets_about_14_timed_launches_within_the_two_second_budget_not_200()
    {
        // Noisy enough (130, 140, 150 ms) that the standard error alone would want over 150 launches: the budget stops it.
        var device = SlowDevice(140, i => 130 + 10 * (i % 3));
        var result = await Run(device, VectorAdd(N(64)));
        Assert.Equal(KernelStatus.Passed, result.Status);
        Assert.Equal([null, new TimedRepetitions(3, 14)], Timings(device));
        Assert.Equal(14, result.Timing!.Iterations);
        Assert.Equal(TimingStops.Budget, result.Timing.StoppedBy);
    }

    [Fact]
    public async Task The_spec_sets_the_device_time_budget()
    {
        var device = SlowDevice(140, i => 130 + 10 * (i % 3));
        var result = await Run(device, VectorAdd(N(64)) with { Timing = new TimingSpec(BudgetMs: 700) });
        Assert.Equal(5, result.Timing!.Iterations);
        Assert.Equal(TimingStops.Budget, result.Timing.StoppedBy);
    }

    [Fact]
    public async Task Batches_after_the_first_are_sized_by_the_measured_device_time()
    {
        // The checked launch takes 10 ms of wall time (copies included) but the kernel only 1–3 ms on the device: the
        // first batch is the 10 launches that estimate fits in 100 ms, the later ones are sized at the measured 2 ms.
        var device = SlowDevice(10, i => i % 2 == 0 ? 1.0 : 3.0);
        var result = await Run(device, VectorAdd(N(64)) with { Timing = new TimingSpec(BudgetMs: 100) });
        Assert.Equal([null, new TimedRepetitions(3, 10), new TimedRepetitions(0, 20), new TimedRepetitions(0, 20)], Timings(device));
        Assert.Equal(50, result.Timing!.Iterations);
        Assert.Equal(TimingStops.Budget, result.Timing.StoppedBy);
    }

    [Fact]
    public async Task A_kernel_slower_than_the_whole_budget_is_still_timed_once()
    {
        var device = SlowDevice(3000, _ => 3000);
        var result = await Run(device, VectorAdd(N(64)));
        Assert.Equal([null, new TimedRepetitions(3, 1)], Timings(device));
        Assert.Equal(1, result.Timing!.Iterations);
        Assert.Equal(3000, result.Timing.MedianMs);
    }

    [Fact]
    public async Task Very_noisy_times_stop_at_max_iterations()
    {
        var device = new SimulatedDevice { DeviceTime = i => i % 2 == 0 ? 1.0 : 3.0 };
        var result = await Run(device, VectorAdd(N(64)) with { Timing = new TimingSpec(1, 30, 75) });
        Assert.Equal(75, result.Timing!.Iterations);
        Assert.Equal(TimingStops.MaxIterations, result.Timing.StoppedBy);
        Assert.Equal([new TimedRepetitions(1, 30), new TimedRepetitions(0, 30), new TimedRepetitions(0, 15)], Timings(device).Skip(1));
    }

    [Fact]
    public async Task Sampling_stops_early_rather_than_let_the_job_run_out_of_time()
    {
        // Every call takes 10 s of a 60 s limit: one correctness launch, then batches while two more would fit.
        var device = new SimulatedDevice
        {
            DeviceTime = i => i % 2 == 0 ? 1.0 : 3.0,
            BeforeLaunch = _ =>
            {
                clock.Advance(TimeSpan.FromSeconds(10));
                return Task.CompletedTask;
            },
        };
        var result = await Run(device, VectorAdd(N(64)));
        Assert.Equal(KernelStatus.Passed, result.Status);
        // The first batch is sized at the checked launch's wall time (10 s, so one launch fits the 2 s budget), the next
        // at the 2 ms measured; after the correctness launch and three batches the 10 s left would not fit two more.
        Assert.Equal([null, new TimedRepetitions(3, 1), new TimedRepetitions(0, 20), new TimedRepetitions(0, 20), new TimedRepetitions(0, 20)],
            Timings(device));
        Assert.Equal(61, result.Timing!.Iterations);
        Assert.Equal(TimingStops.TimeLimit, result.Timing.StoppedBy);
    }

    [Fact]
    public async Task The_result_names_each_buffers_dtype_as_the_kernel_saw_it_whatever_the_verdict()
    {
        var spec = VectorAdd(N(64)) with { Dtype = "bf16", Dtypes = new Dictionary<string, string> { ["z"] = "f32" } };
        var result = await Run(new SimulatedDevice { Fault = Fault.WritesZeros }, spec);
        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal(["x bf16", "y bf16", "z f32"], result.BufferDtypes!.Select(b => $"{b.Key} {b.Value}"));
    }

    [Fact]
    public async Task A_non_positive_device_time_is_a_runtime_error_rather_than_an_infinite_rate()
    {
        var result = await Run(new SimulatedDevice { DeviceTime = _ => 0 }, VectorAdd(N(64)));
        Assert.Equal(KernelStatus.RuntimeError, result.Status);
        Assert.Contains("not a positive number", result.Message);
    }

    [Fact]
    public async Task A_kernel_that_hangs_is_a_timeout_naming_the_case()
    {
        var device = new SimulatedDevice
        {
            BeforeLaunch = async token =>
            {
                clock.Advance(TimeSpan.FromSeconds(61));
                await Task.Delay(Timeout.Infinite, token);
            },
        };
        var result = await Run(device, VectorAdd(N(1), N(64)));
        Assert.Equal(KernelStatus.Timeout, result.Status);
        Assert.Equal("cases[0] (n=1): the kernel did not finish within 60 s", result.Message);
        Assert.Empty(result.Cases!);
    }

    [Fact]
    public async Task A_launch_that_ignores_cancellation_and_returns_late_is_still_a_timeout()
    {
        var device = new SimulatedDevice
        {
            BeforeLaunch = _ =>
            {
                clock.Advance(TimeSpan.FromSeconds(11));
                return Task.CompletedTask;
            },
        };
        var result = await Run(device, VectorAdd(N(1), N(2)) with { TimeoutSeconds = 10 });
        Assert.Equal(KernelStatus.Timeout, result.Status);
    }

    [Fact]
    public async Task The_time_limit_is_shared_by_all_launches_of_a_job()
    {
        var device = new SimulatedDevice
        {
            BeforeLaunch = _ =>
            {
                clock.Advance(TimeSpan.FromSeconds(25));
                return Task.CompletedTask;
            },
        };
        var result = await Run(device, VectorAdd(N(1), N(2), N(3)));
        Assert.Equal(KernelStatus.Timeout, result.Status);
        Assert.StartsWith("cases[2] (n=3)", result.Message);
        Assert.Equal(2, result.Cases!.Count);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_turned_into_a_verdict()
    {
        using var cancellation = new CancellationTokenSource();
        var device = new SimulatedDevice
        {
            BeforeLaunch = token =>
            {
                cancellation.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(device, VectorAdd(), cancellation.Token));
    }
}
