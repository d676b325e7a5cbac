using Portal.Kernels.Devices;
using Portal.Kernels.OpenCl;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>The copy bandwidth the agent measures once per device (DESIGN.md "Timings that break physics"), on PoCL.</summary>
[Collection(OpenClCollection.Name)]
public class CopyBandwidthProbeTests
{
    [Fact]
    public void The_PoCL_device_copies_at_a_positive_finite_bandwidth_and_the_device_list_carries_it()
    {
        var gbPerSecond = CopyBandwidthProbe.Measure(OpenClTestDevice.Device.Id);
        Assert.True(double.IsFinite(gbPerSecond) && gbPerSecond > 0, $"{gbPerSecond} GB/s");

        var listed = new DeviceCatalog([new OpenClBackend()]).WithCopyBandwidths().Single(d => d.Id == OpenClTestDevice.Device.Id);
        Assert.True(listed.CopyBandwidthGbPerSecond > 0, listed.CopyBandwidthProblem);
        Assert.Null(listed.CopyBandwidthProblem);
    }

    [Fact]
    public void A_device_that_is_not_there_is_refused_by_name()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => CopyBandwidthProbe.Measure("opencl:9:9"));
        Assert.Contains("opencl:9:9", refused.Message);
    }
}
