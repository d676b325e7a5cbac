using Portal.Kernels.Devices;
using Portal.Kernels.Isolation;
using Portal.Kernels.References;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using static Portal.Tests.Kernels.Custom.CustomSpecs;

namespace Portal.Tests.Kernels.Custom;

/// <summary>
/// Custom ops through the agent's isolated children on PoCL, in the sandbox: the reference runs in a child of its own
/// before the kernel's, its failures are the definition's, and its outputs are cached on the agent host.
/// </summary>
public sealed class CustomOpIsolationTests : IDisposable
{
    private static readonly AcceleratorDevice Device =
        new("opencl:0:0", "opencl", "cpu", "PoCL", "6.0", "OpenCL 3.0", 1 << 30, 2, [KernelLanguage.OpenClC]);

    private readonly string _cacheFolder = Directory.CreateTempSubdirectory("portal-reference-cache-test-").FullName;

    public void Dispose() => Directory.Delete(_cacheFolder, recursive: true);

    private ChildCommand Agent(ReferenceCache? cache = null) =>
        ChildCommand.ThisProcess(Path.Combine(AppContext.BaseDirectory, "Portal.Agent.dll")) with { ReferenceCache = cache };

    private static string Json(KernelSpec spec) => KernelSpecJson.Serialize(spec);

    [Fact]
    public async Task A_second_kernel_for_the_same_op_and_case_takes_the_reference_from_the_cache()
    {
        var cache = new ReferenceCache(_cacheFolder);
        var first = new IsolatedKernelRunner(Agent(cache));
        var second = new IsolatedKernelRunner(Agent(cache));

        var right = await first.RunAsync(Json(BiasReluSpec()), Device, CancellationToken.None);
        var wrong = await second.RunAsync(Json(BiasReluSpec(BiasReluKernelWrongOnOdd)), Device, CancellationToken.None);

        Assert.True(right.Status == KernelStatus.Passed, right.Message);
        Assert.Equal(KernelStatus.Failed, wrong.Status);
        Assert.Equal(1, first.ReferenceRuns);
        Assert.Equal(0, second.ReferenceRuns);
        Assert.Equal((1, 1), (cache.Stored, cache.Hits));
        Assert.Equal("reference: 1 cases from the cache", second.ReferenceReport);
    }

    [Fact]
    public async Task A_different_seed_or_input_dtype_is_a_different_cache_entry()
    {
        var cache = new ReferenceCache(_cacheFolder);
        var runner = new IsolatedKernelRunner(Agent(cache));

        await runner.RunAsync(Json(BiasReluSpec()), Device, CancellationToken.None);
        await runner.RunAsync(Json(BiasReluSpec() with { Seed = 2 }), Device, CancellationToken.None);

        Assert.Equal(2, runner.ReferenceRuns);
        Assert.Equal(2, Directory.GetFiles(_cacheFolder, "*.ref").Length);
    }

    [Fact]
    public async Task A_corrupted_cache_entry_is_recomputed_not_trusted()
    {
        var cache = new ReferenceCache(_cacheFolder);
        await new IsolatedKernelRunner(Agent(cache)).RunAsync(Json(BiasReluSpec()), Device, CancellationToken.None);
        var file = Assert.Single(Directory.GetFiles(_cacheFolder, "*.ref"));
        var bytes = File.ReadAllBytes(file);
        bytes[100] ^= 0x40; // one element of y changes; the hash no longer matches
        File.WriteAllBytes(file, bytes);

        var runner = new IsolatedKernelRunner(Agent(cache));
        var result = await runner.RunAsync(Json(BiasReluSpec()), Device, CancellationToken.None);

        Assert.True(result.Status == KernelStatus.Passed, result.Message);
        Assert.Equal(1, runner.ReferenceRuns);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public async Task A_reference_that_crashes_is_an_invalid_spec_naming_the_reference()
    {
        var crashing = BiasRelu(BiasReluReference.Replace("y[i] = fmax(x[i] + b, 0.0);",
            "y[i + 4000000000000L] = x[i]; y[i] = fmax(x[i] + b, 0.0);", StringComparison.Ordinal));
        var runner = new IsolatedKernelRunner(Agent(new ReferenceCache(_cacheFolder)));

        var result = await runner.RunAsync(Json(BiasReluSpec(definition: crashing)), Device, CancellationToken.None);

        Assert.True(result.Status == KernelStatus.InvalidSpec, $"{result.Status.Name()}: {result.Message}");
        Assert.StartsWith("opDefinition.reference: the reference crashed", result.Message);
        Assert.Empty(Directory.GetFiles(_cacheFolder, "*.ref"));
    }

    [Fact]
    public async Task A_reference_that_does_not_compile_is_an_invalid_spec_from_the_reference_child()
    {
        var broken = BiasRelu(BiasReluReference.Replace("0.0);", "0.0;", StringComparison.Ordinal));
        var runner = new IsolatedKernelRunner(Agent());

        var result = await runner.RunAsync(Json(BiasReluSpec(definition: broken)), Device, CancellationToken.None);

        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.StartsWith("opDefinition.reference: the reference does not compile", result.Message);
    }

    [Fact]
    public async Task Without_a_CPU_OpenCL_device_with_fp64_the_job_is_unsupported_with_the_reason()
    {
        var empty = Directory.CreateTempSubdirectory("no-icd-");
        try
        {
            var runner = new IsolatedKernelRunner(Agent() with { ReferenceIcdVendors = empty.FullName });

            var result = await runner.RunAsync(Json(BiasReluSpec()), Device, CancellationToken.None);

            Assert.True(result.Status == KernelStatus.Unsupported, $"{result.Status.Name()}: {result.Message}");
            Assert.Contains("no CPU OpenCL device with cl_khr_fp64", result.Message);
            Assert.Contains("PoCL", result.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_cache_evicts_the_least_recently_used_files_past_its_size()
    {
        var cache = new ReferenceCache(_cacheFolder, maxBytes: 2500);
        var keys = Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 64)).ToList();
        foreach (var key in keys)
        {
            cache.Store(key, new byte[1000]);
            File.SetLastWriteTimeUtc(Path.Combine(_cacheFolder, key + ".ref"), DateTime.UtcNow.AddMinutes(keys.IndexOf(key) - 10));
        }

        Assert.Equal([keys[1], keys[2]], Directory.GetFiles(_cacheFolder, "*.ref").Select(Path.GetFileNameWithoutExtension).Order());
    }
}
