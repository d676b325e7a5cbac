using Portal.Kernels.OpenCl;

namespace Portal.Tests.Kernels.OpenCl;

[Collection(OpenClCollection.Name)]
public class OpenClDiscoveryTests
{
    [Fact]
    public void Discovery_lists_the_PoCL_device_with_what_the_agent_reports()
    {
        var pocl = Assert.Single(OpenClDiscovery.Discover().Devices, d => d.Platform == "Portable Computing Language");

        Assert.Equal($"opencl:{pocl.PlatformIndex}:{pocl.DeviceIndex}", pocl.Id);
        Assert.Equal("cpu", pocl.Type);
        Assert.Equal(["opencl-c"], pocl.Languages);
        Assert.True(pocl.Available);
        Assert.StartsWith("OpenCL ", pocl.OpenClVersion);
        Assert.StartsWith("OpenCL C ", pocl.OpenClCVersion);
        Assert.False(string.IsNullOrWhiteSpace(pocl.Name));
        Assert.False(string.IsNullOrWhiteSpace(pocl.Vendor));
        Assert.False(string.IsNullOrWhiteSpace(pocl.DriverVersion));
        Assert.True(pocl.GlobalMemoryBytes > 0);
        Assert.InRange(pocl.MaxAllocationBytes, 1, pocl.GlobalMemoryBytes);
        Assert.True(pocl.ComputeUnits >= 1);
        Assert.True(pocl.MaxWorkGroupSize >= 1);
    }

    [Fact]
    public void A_device_converts_to_the_device_info_a_result_records()
    {
        var device = OpenClTestDevice.Device;

        var info = device.ToDeviceInfo();

        Assert.Equal((device.Id, device.Name, device.Vendor, device.OpenClVersion, device.DriverVersion),
            (info.Id, info.Name, info.Vendor, info.Runtime, info.Driver));
    }

    [Fact]
    public void Ids_are_unique_and_a_second_scan_gives_the_same_ones()
    {
        var first = OpenClDiscovery.Discover().Devices.Select(d => d.Id).ToList();

        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Equal(first, OpenClDiscovery.Discover().Devices.Select(d => d.Id));
    }

    [Fact]
    public void A_host_without_an_OpenCL_loader_lists_no_devices_and_says_why()
    {
        var scan = OpenClDiscovery.WithoutRuntimeAsEmpty(() => throw new DllNotFoundException("Unable to load shared library 'OpenCL'"));

        Assert.Empty(scan.Devices);
        Assert.StartsWith("no OpenCL runtime", Assert.Single(scan.Problems));
    }

    [Theory]
    [InlineData("cuda:0")]
    [InlineData("opencl:99:0")]
    [InlineData("opencl:0:99")]
    [InlineData("opencl:x:0")]
    public void The_executor_supports_only_OpenCL_devices_this_host_has(string id)
    {
        var executor = new OpenClExecutor();

        Assert.False(executor.SupportsDevice(OpenClTestDevice.Info with { Id = id }));
        Assert.True(executor.SupportsDevice(OpenClTestDevice.Info));
    }
}
