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
    public async Task Sampling_continues_until_the_standard_error_is_under_one_percent()
    {
        // Times alternate 1.0 and 1.2 ms: std/mean ≈ 0.092, so the standard error drops under 1 % after 85 samples.
        var device = new SimulatedDevice { DeviceTime = i => i % 2 == 0 ? 1.0 : 1.2 };
        var result = await Run(device, VectorAdd(N(64)));
        Assert.Equal(100, result.Timing!.Iterations);
        Assert.Equal([3, 0, 0, 0, 0], Timings(device).Skip(1).Select(t => t!.Warmup));
        Assert.Equal(1.1, result.Timing.MedianMs, 12);
        Assert.Equal(1.0, result.Timing.MinMs);
        Assert.Equal(1.2, result.Timing.MaxMs);
    }

    [Fact]
    public async Task Very_noisy_times_stop_at_max_iterations()
    {
        var device = new SimulatedDevice { DeviceTime = i => i % 2 == 0 ? 1.0 : 3.0 };
        var result = await Run(device, VectorAdd(N(64)) with { Timing = new TimingSpec(1, 30, 75) });
        Assert.Equal(75, result.Timing!.Iterations);
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
        Assert.Equal(4 * 20, result.Timing!.Iterations);
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
