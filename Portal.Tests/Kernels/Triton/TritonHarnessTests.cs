using Portal.Kernels.Execution;
using Portal.Kernels.Triton;

namespace Portal.Tests.Kernels.Triton;

/// <summary>The embedded harness itself, run by this host's python3, where its protocol needs no GPU.</summary>
public sealed class TritonHarnessTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("portal-harness-").FullName;

    private string Harness
    {
        get
        {
            var path = Path.Combine(folder, "harness.py");
            using var resource = typeof(TritonExecutor).Assembly.GetManifestResourceStream(TritonExecutor.HarnessResource)!;
            using var file = File.Create(path);
            resource.CopyTo(file);
            return path;
        }
    }

    private async Task<ProcessResult> RunAsync(string? prefix, PythonImportDoubles doubles)
    {
        var job = Path.Combine(folder, "job.json");
        TritonJob.Check(Path.Combine(folder, "module.py"), "kernel", 0).WriteTo(job);
        var options = new TritonOptions { Environment = doubles.Environment };
        return await TritonProcess.RunAsync(["python3", Harness, job], folder, TritonEnvironment.For(folder, options, prefix), CancellationToken.None);
    }

    [Fact]
    public async Task Without_torch_the_harness_writes_unsupported_to_the_result_path_only()
    {
        using var doubles = PythonImportDoubles.WithoutTorch();
        var prefix = Path.Combine(folder, "r42");

        var process = await RunAsync(prefix, doubles);
        var failure = TritonHarnessResult.ReadFailure(prefix, process, out _);

        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", process.StandardOutput);
        Assert.Equal(FailureKind.Unsupported, failure!.Kind);
        Assert.StartsWith("torch, triton and numpy cannot be imported by", failure.Message);
        Assert.EndsWith("ImportError: torch is hidden by this test", failure.Message);
        Assert.Equal(["harness.py", "job.json", "r42.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_result_prefix_the_harness_refuses_to_run()
    {
        using var doubles = PythonImportDoubles.WithoutTorch();

        var process = await RunAsync(prefix: null, doubles);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage: PORTAL_TRITON_RESULT=<result prefix> python3 harness.py <job.json>", process.StandardError);
        Assert.DoesNotContain(Directory.GetFiles(folder), f => f.EndsWith(".json", StringComparison.Ordinal) && !f.EndsWith("job.json", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
