using Portal.Kernels.Cuda;

namespace Portal.Tests.Kernels.Cuda;

public class CudaDiscoveryTests
{
    private static readonly CudaLibraryNames Missing = new(["/nonexistent/libcuda.so.1"], ["/nonexistent/libnvrtc.so.13"]);

    [Fact]
    public void Without_the_driver_library_there_are_no_devices_and_the_reason_says_what_to_install()
    {
        var discovery = CudaDeviceDiscovery.Discover(Missing);

        Assert.Empty(discovery.Devices);
        Assert.Contains("/nonexistent/libcuda.so.1", discovery.Reason);
        Assert.Contains("install the NVIDIA driver", discovery.Reason);
        Assert.Contains("LD_LIBRARY_PATH", discovery.Reason);
    }

    [Theory]
    [InlineData("cuda:0", 0)]
    [InlineData("cuda:12", 12)]
    public void Cuda_device_ids_give_their_ordinal(string id, int ordinal)
    {
        Assert.True(CudaDevice.TryParseId(id, out var parsed));
        Assert.Equal(ordinal, parsed);
        Assert.Equal(id, CudaDevice.IdFor(ordinal));
    }

    [Theory]
    [InlineData("opencl:0:0")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:1x")]
    [InlineData("CUDA:0")]
    public void Other_ids_are_not_cuda_devices(string id)
    {
        Assert.False(CudaDevice.TryParseId(id, out _));
    }

    [Theory]
    [InlineData(13000, "13.0")]
    [InlineData(12040, "12.4")]
    [InlineData(11080, "11.8")]
    public void The_driver_cuda_version_is_decoded_from_its_integer(int encoded, string version)
    {
        Assert.Equal(version, CudaDeviceDiscovery.FormatCudaVersion(encoded));
    }

    [Fact]
    public void The_kernel_module_version_is_read_from_procfs_text()
    {
        const string text = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.03  Thu Oct  2 12:00:00 UTC 2026\n" +
            "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
        Assert.Equal("580.159.03", CudaDeviceDiscovery.ParseKernelDriverVersion(text));
        Assert.Null(CudaDeviceDiscovery.ParseKernelDriverVersion("GCC version: 12.2.0\n"));
    }
}
