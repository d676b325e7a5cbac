using Portal.Kernels.Cuda;
using Portal.Kernels.Isolation;

namespace Portal.Tests.Kernels.Cuda;

/// <summary>
/// cuda-c and the storage dtypes, without a GPU: NVRTC is given the toolkit's include folder (it has none of its own, so
/// cuda_fp16.h, cuda_bf16.h and cuda_fp8.h were not found), the sandbox binds that folder, a host without the headers
/// is unsupported rather than a compile error, and fp8 below compute capability 8.9 is unsupported naming it.
/// </summary>
public sealed class CudaDtypeTests : IDisposable
{
    private static readonly int[] Nvrtc13 = [75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121];

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("cuda-toolkit-");

    public void Dispose() => root.Delete(recursive: true);

    /// <summary>A toolkit layout as the CUDA installers make it: targets/x86_64-linux/{include,lib}.</summary>
    private (string Include, string Lib) Toolkit(bool cccl = false)
    {
        var target = Path.Combine(root.FullName, "cuda", "targets", "x86_64-linux");
        var include = Directory.CreateDirectory(Path.Combine(target, "include")).FullName;
        var lib = Directory.CreateDirectory(Path.Combine(target, "lib")).FullName;
        foreach (var header in (string[])["cuda_fp16.h", "cuda_bf16.h", "cuda_fp8.h"])
            File.WriteAllText(Path.Combine(include, header), "");
        if (cccl)
            Directory.CreateDirectory(Path.Combine(include, "cccl"));
        return (include, lib);
    }

    [Fact]
    public void The_include_folder_is_passed_to_NVRTC_after_the_architecture()
    {
        var target = NvrtcOptions.For(new ComputeCapability(9, 0), Nvrtc13, out var problem, ["/opt/cuda/include", "/opt/cuda/include/cccl"]);

        Assert.Null(problem);
        Assert.Equal(["--gpu-architecture=sm_90", "--include-path=/opt/cuda/include", "--include-path=/opt/cuda/include/cccl"], target!.Options);
        Assert.Equal("sm_90", target.Architecture);
        var ptx = NvrtcOptions.For(new ComputeCapability(12, 5), [80, 90], out _, ["/opt/cuda/include"]);
        Assert.Equal(["--gpu-architecture=compute_90", "--include-path=/opt/cuda/include"], ptx!.Options);
    }

    [Fact]
    public void The_headers_are_found_beside_the_library_folder_the_runbook_puts_on_LD_LIBRARY_PATH()
    {
        var (include, lib) = Toolkit();

        var found = CudaToolkitHeaders.Find(new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "/nonexistent:" + lib });

        Assert.Equal(include, Assert.Single(found));
    }

    [Fact]
    public void CUDA_HOME_comes_first_and_a_cccl_folder_goes_with_its_include_folder()
    {
        var (_, lib) = Toolkit();
        var home = Directory.CreateDirectory(Path.Combine(root.FullName, "home-cuda", "include")).FullName;
        File.WriteAllText(Path.Combine(home, "cuda_fp16.h"), "");
        Directory.CreateDirectory(Path.Combine(home, "cccl"));

        var found = CudaToolkitHeaders.Find(new Dictionary<string, string>
        {
            ["CUDA_HOME"] = Path.GetDirectoryName(home)!, ["LD_LIBRARY_PATH"] = lib,
        });

        Assert.Equal([home, Path.Combine(home, "cccl")], found);
    }

    [Fact]
    public void A_folder_without_cuda_fp16_h_is_not_an_include_folder()
    {
        var empty = Directory.CreateDirectory(Path.Combine(root.FullName, "bare", "include")).FullName;

        var found = CudaToolkitHeaders.Find(new Dictionary<string, string> { ["CUDA_HOME"] = Path.GetDirectoryName(empty)! });

        Assert.DoesNotContain(empty, found);
    }

    [Fact]
    public void The_sandbox_binds_the_include_folder_the_child_will_pass_to_NVRTC()
    {
        var (include, lib) = Toolkit();
        var work = Directory.CreateDirectory(Path.Combine(root.FullName, "job")).FullName;

        var bound = KernelSandbox.ReadOnlyFolders(new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = lib }, [], work);

        Assert.Contains(bound, folder => include.StartsWith(folder, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("warning: cuda_fp16.h: File not found\nerror: identifier \"__half\" is undefined", "cuda_fp16.h")]
    [InlineData("vector_add.cu(1): catastrophic error: cannot open source file \"cuda_bf16.h\"", "cuda_bf16.h")]
    [InlineData("vector_add.cu(1): catastrophic error: cannot open source file \"cuda_fp8.h\"", "cuda_fp8.h")]
    public void A_missing_toolkit_header_on_a_host_without_one_is_unsupported_naming_it(string log, string header)
    {
        var message = CudaToolkitHeaders.MissingOnHost(log, []);

        Assert.NotNull(message);
        Assert.StartsWith(header + " is not installed on this host", message);
        Assert.Contains("CUDA_HOME", message);
    }

    [Fact]
    public void A_missing_header_where_the_toolkit_was_found_or_any_other_error_stays_a_compile_error()
    {
        Assert.Null(CudaToolkitHeaders.MissingOnHost("cannot open source file \"cuda_fp16.h\"", ["/usr/local/cuda/include"]));
        Assert.Null(CudaToolkitHeaders.MissingOnHost("catastrophic error: cannot open source file \"my_header.h\"", []));
        Assert.Null(CudaToolkitHeaders.MissingOnHost("error: identifier \"x\" is undefined", []));
        Assert.Null(CudaToolkitHeaders.MissingOnHost(null, []));
    }

    [Theory]
    [InlineData(8, 0, true)]
    [InlineData(8, 6, true)]
    [InlineData(8, 9, false)]
    [InlineData(9, 0, false)]
    [InlineData(12, 0, false)]
    public void Fp8_buffers_need_compute_capability_8_9_and_the_message_names_the_buffers_and_the_device(int major, int minor, bool refused)
    {
        (string, ElementType)[] buffers = [("x", ElementType.Float8E4M3), ("y", ElementType.Float8E5M2), ("z", ElementType.Float32)];

        var problem = CudaDtypes.Problem(new ComputeCapability(major, minor), buffers);

        if (!refused)
        {
            Assert.Null(problem);
            return;
        }
        Assert.Equal($"fp8 buffers (x: fp8e4m3, y: fp8e5m2) need compute capability 8.9 or newer; this device has {major}.{minor}", problem);
    }

    [Fact]
    public void Half_and_bfloat16_buffers_run_on_any_device_NVRTC_targets()
    {
        Assert.Null(CudaDtypes.Problem(new ComputeCapability(7, 5), [("x", ElementType.Float16), ("y", ElementType.BFloat16), ("z", ElementType.Float32)]));
    }
}
