using Portal.Kernels.Isolation;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

/// <summary>
/// Whether the harness runs confined, on this host as it is: with bubblewrap installed, a submitted module can
/// write only in its job's folder and reach no network; without it, the status says so.
/// </summary>
public class TritonSandboxTests
{
    private static readonly DeviceInfo Gpu = new("cuda:0", "NVIDIA H200", "NVIDIA", "CUDA 13.0", "580.159.03");

    [Fact]
    public async Task The_sandbox_is_in_force_exactly_when_bubblewrap_is_installed_and_then_it_confines_the_module()
    {
        // Outside /tmp, which the sandbox replaces with a private one.
        var parent = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "portal-tests");
        using var doubles = PythonImportDoubles.WithImportSurface(parent);
        var executor = new TritonExecutor(new TritonOptions { Environment = doubles.Environment });
        var outside = Path.Combine(doubles.Folder, "escaped.txt");
        var module =
            "import socket\nimport triton\n" +
            $"try:\n    open('{outside}', 'w').write('escaped')\nexcept OSError:\n    pass\n" +
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as error:\n    open('network.txt', 'w').write(str(error))\n" +
            "open('inside.txt', 'w').write('ok')\n" +
            "@triton.jit\ndef vector_add(x, y, z, n, BLOCK):\n    pass\n";

        var status = await executor.GetRuntimeAsync(CancellationToken.None);
        var preparation = await executor.PrepareAsync(
            KernelSpecValidator.Validate(new SuiteFiles("triton", "py").Spec("vector_add") with { Source = module }).Spec!,
            Gpu, CancellationToken.None);

        var kernel = Assert.IsType<TritonPreparedKernel>(preparation.Kernel);
        var folder = Path.GetDirectoryName(kernel.ModulePath)!;
        Assert.Equal(status.Sandbox.InForce, kernel.Sandboxed);
        Assert.True(File.Exists(Path.Combine(folder, "inside.txt")));
        if (KernelSandbox.FindExecutable("bwrap") is null)
        {
            Assert.False(status.Sandbox.InForce);
            Assert.StartsWith("bubblewrap (bwrap) is not installed", status.Sandbox.Description);
        }
        else
        {
            Assert.True(status.Sandbox.InForce, status.Sandbox.Description);
            Assert.False(File.Exists(outside), "the module wrote outside its folder");
            Assert.Contains("unreachable", await File.ReadAllTextAsync(Path.Combine(folder, "network.txt")));
        }
        await kernel.DisposeAsync();
    }
}
