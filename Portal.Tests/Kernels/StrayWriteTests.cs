using Portal.Kernels.Buffers;
using Portal.Kernels.Execution;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Specs;

namespace Portal.Tests.Kernels;

/// <summary>
/// DESIGN.md "Out-of-bounds writes": what the runner makes of writes into a buffer's guard zones or into an input, with
/// <see cref="SimulatedDevice"/> standing in for a device, and how <see cref="GuardZones"/> reads a zone. The same
/// kernels on a real device are in OpenClOutOfBoundsTests.
/// </summary>
public class StrayWriteTests
{
    private static Task<KernelResult> Run(SimulatedDevice device, KernelSpec spec) =>
        new KernelRunner(device).RunAsync(spec, SimulatedDevice.Info, CancellationToken.None);

    [Fact]
    public async Task A_kernel_writing_one_past_the_end_fails_naming_the_buffer_though_every_element_is_right()
    {
        var result = await Run(new SimulatedDevice { Fault = Fault.WritesPastEnd }, VectorAdd(N(1000), N(4096)));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal("cases[0] (n=1000): out of bounds after the end of z: the guard zone changed at z[1000] (1 element; z has 1000 elements)",
            result.Message);
        Assert.All(result.Cases!, c => Assert.Equal((KernelStatus.Failed, 0L), (c.Status, c.Mismatches)));
        Assert.Null(result.Timing);
    }

    [Fact]
    public async Task A_kernel_writing_before_the_start_fails_and_says_which_side()
    {
        var result = await Run(new SimulatedDevice { Fault = Fault.WritesBeforeStart }, VectorAdd(N(1000)));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Equal("cases[0] (n=1000): out of bounds before the start of z: the guard zone changed at z[-1] (1 element; z has 1000 elements)",
            result.Message);
    }

    [Fact]
    public async Task A_kernel_writing_to_an_input_fails_naming_the_input()
    {
        var result = await Run(new SimulatedDevice { Fault = Fault.WritesToInput }, VectorAdd(N(1000)));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.Matches(@"^cases\[0\] \(n=1000\): wrote to input x: \d+ of 1000 elements changed; first x\[\d+\]: was \S+, now 0$", result.Message);
        Assert.Equal(0, result.Cases!.Single().Mismatches);
    }

    [Fact]
    public async Task A_stray_write_during_the_timed_launches_fails_the_recheck_and_comes_before_the_elements_it_spoiled()
    {
        var result = await Run(new SimulatedDevice { Fault = Fault.WritesPastEndWhenTimed }, VectorAdd(N(1000), N(4096)));

        Assert.Equal(KernelStatus.Failed, result.Status);
        Assert.StartsWith("timing cases[1] (n=4096): during the timed launches: out of bounds after the end of z: the guard zone changed at z[4096] " +
            "(1 element; z has 4096 elements); also 4096 of 4096 elements wrong; first z[0]", result.Message);
        Assert.Equal([KernelStatus.Passed, KernelStatus.Failed], result.Cases!.Select(c => c.Status));
        Assert.Null(result.Timing);
    }

    [Fact]
    public async Task Guard_zones_not_read_back_are_an_executor_bug_not_a_pass()
    {
        var result = await Run(new SimulatedDevice { Fault = Fault.NoGuardReadings }, VectorAdd(N(1000)));

        Assert.Equal(KernelStatus.RuntimeError, result.Status);
        Assert.Contains("the executor broke its contract: no guard zones were read back", result.Message);
    }

    private static readonly BufferArgument Z = new("z", ElementType.Float32, 1000, BufferRole.Output, null);

    [Fact]
    public void A_write_far_into_the_zone_after_names_the_index_the_kernel_wrote()
    {
        var after = GuardZones.Filled(GuardZones.MinimumBytes);
        // z[n + 1000] and z[n + 1001]: 4000 bytes into the zone after z.
        BitConverter.TryWriteBytes(after.AsSpan(4000), 2f);
        BitConverter.TryWriteBytes(after.AsSpan(4004), 3f);

        var problems = GuardZones.FindStrayWrites([Z], [new GuardReading("z", GuardZones.Filled(GuardZones.MinimumBytes), after)]);

        Assert.Equal(["out of bounds after the end of z: the guard zone changed at z[2000] to z[2001] (2 elements; z has 1000 elements)"], problems);
    }

    [Fact]
    public void A_single_changed_byte_in_the_zone_before_counts_as_its_element()
    {
        var before = GuardZones.Filled(GuardZones.MinimumBytes);
        before[^5] ^= 1; // in z[-2]

        var problems = GuardZones.FindStrayWrites([Z], [new GuardReading("z", before, GuardZones.Filled(GuardZones.MinimumBytes))]);

        Assert.Equal(["out of bounds before the start of z: the guard zone changed at z[-2] (1 element; z has 1000 elements)"], problems);
    }

    [Fact]
    public void An_input_is_compared_by_its_bits_so_minus_zero_for_zero_is_a_write()
    {
        var x = HostBuffer.Float32("x", [0f, 1f, 2f]);
        var input = new BufferArgument("x", ElementType.Float32, 3, BufferRole.Input, x);
        var zone = GuardZones.Filled(GuardZones.MinimumBytes);

        Assert.Empty(GuardZones.FindStrayWrites([input], [new GuardReading("x", zone, zone, HostBuffer.Float32("x", [0f, 1f, 2f]))]));
        Assert.Equal(["wrote to input x: 1 of 3 elements changed; first x[0]: was 0, now -0"],
            GuardZones.FindStrayWrites([input], [new GuardReading("x", zone, zone, HostBuffer.Float32("x", [-0f, 1f, 2f]))]));
    }

    [Fact]
    public void The_zone_before_is_at_least_the_minimum_and_keeps_the_device_alignment()
    {
        Assert.Equal(GuardZones.MinimumBytes, GuardZones.BeforeBytes(128));
        Assert.Equal(3L << 17, GuardZones.BeforeBytes(3L << 17));
        Assert.Equal(0, GuardZones.BeforeBytes(4096) % 4096);
        Assert.True(GuardZones.MinimumBytes >= 4096);
    }
}
