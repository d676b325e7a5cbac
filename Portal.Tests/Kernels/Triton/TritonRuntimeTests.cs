using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

public class TritonRuntimeTests
{
    [Fact]
    public async Task A_python_that_cannot_be_started_makes_triton_unusable_with_what_to_install()
    {
        var status = await TritonRuntime.ProbeAsync(new TritonOptions { Python = "/nonexistent/python3" }, CancellationToken.None);

        Assert.False(status.IsUsable);
        Assert.StartsWith("/nonexistent/python3 could not be started", status.Reason);
        Assert.Contains("TritonOptions.Python", status.Reason);
        Assert.False(status.Sandbox.InForce);
    }

    [Fact]
    public async Task A_python_without_torch_makes_triton_unusable_naming_the_import_error()
    {
        using var doubles = PythonImportDoubles.WithoutTorch();

        var status = await TritonRuntime.ProbeAsync(new TritonOptions { Environment = doubles.Environment }, CancellationToken.None);

        Assert.False(status.IsUsable);
        Assert.Contains("cannot import torch and triton (ImportError: torch is hidden by this test)", status.Reason);
        Assert.Null(status.TritonVersion);
    }

    [Fact]
    public void The_probes_answer_gives_the_versions_when_torch_sees_a_gpu()
    {
        var status = TritonRuntime.Interpret(new ProcessResult(0, "True 3.6.0 2.11.0+cu130\n", ""), "python3");

        Assert.True(status.IsUsable);
        Assert.Null(status.Reason);
        Assert.Equal(("3.6.0", "2.11.0+cu130"), (status.TritonVersion, status.TorchVersion));
    }

    [Fact]
    public void Torch_without_a_gpu_makes_triton_unusable()
    {
        var status = TritonRuntime.Interpret(new ProcessResult(0, "False 3.6.0 2.11.0+cpu\n", ""), "python3");

        Assert.False(status.IsUsable);
        Assert.StartsWith("torch 2.11.0+cpu sees no CUDA device", status.Reason);
    }

    [Fact]
    public void A_probe_that_prints_something_else_is_not_taken_for_a_usable_runtime()
    {
        var status = TritonRuntime.Interpret(new ProcessResult(0, "hello\n", ""), "python3");

        Assert.False(status.IsUsable);
        Assert.Contains("'hello'", status.Reason);
    }

    [Fact]
    public async Task Without_sandboxing_the_status_says_the_sandbox_is_off_and_what_that_exposes()
    {
        using var doubles = PythonImportDoubles.WithImportSurface();

        var status = await TritonRuntime.ProbeAsync(
            new TritonOptions { UseSandbox = false, Environment = doubles.Environment }, CancellationToken.None);

        Assert.True(status.IsUsable, status.Reason);
        Assert.Equal("0.0+import-surface", status.TritonVersion);
        Assert.False(status.Sandbox.InForce);
        Assert.Contains("network and the whole file system are reachable", status.Sandbox.Description);
    }

    [Fact]
    public async Task Without_bubblewrap_triton_stays_usable_and_the_status_says_it_runs_unsandboxed()
    {
        using var doubles = PythonImportDoubles.WithImportSurface();

        var status = await TritonRuntime.ProbeAsync(
            new TritonOptions { Bubblewrap = "/nonexistent/bwrap", Environment = doubles.Environment }, CancellationToken.None);

        Assert.True(status.IsUsable, status.Reason);
        Assert.Equal(new TritonSandbox(false,
            "bubblewrap (/nonexistent/bwrap) is not installed; Triton kernels run without a sandbox (network and the whole file system are reachable)"),
            status.Sandbox);
    }
}
