using Portal.Kernels.Isolation;
using Portal.Kernels.References;
using Portal.Kernels.Spec;
using Portal.Tests.Kernels.Custom;

namespace Portal.Tests.Agent;

/// <summary>
/// Custom ops through <c>Portal.Agent exec</c> on PoCL, as a developer runs them: verdicts, the reference's cache (a
/// second kernel for the same op and case does not compute it again), a bad definition, and a host with no fp64 CPU device.
/// </summary>
public sealed class CustomOpExecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-custom-exec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Cache => Path.Combine(_folder, "references");

    private string SpecFile(KernelSpec spec)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, KernelSpecJson.Serialize(spec));
        return path;
    }

    private Task<AgentProcess.Run> Exec(KernelSpec spec, Dictionary<string, string>? environment = null)
    {
        environment ??= [];
        environment[ReferenceCache.FolderVariable] = Cache;
        return AgentProcess.RunAsync(environment, "exec", SpecFile(spec));
    }

    [Fact]
    public async Task A_right_kernel_passes_a_wrong_one_fails_naming_the_element_and_the_second_run_takes_the_cached_reference()
    {
        var right = await Exec(CustomSpecs.GatherDotSpec());
        var wrong = await Exec(CustomSpecs.GatherDotSpec(CustomSpecs.GatherDotKernelWrongLastRow));

        Assert.True(right.ExitCode == 0, right.Error);
        Assert.Equal("passed", right.Json.GetProperty("status").GetString());
        Assert.Contains("reference: computed 1 cases in", right.Error);
        Assert.Equal("failed", wrong.Json.GetProperty("status").GetString());
        Assert.Contains("first y[299]", wrong.Json.GetProperty("message").GetString());
        Assert.Contains("reference: 1 cases from the cache", wrong.Error);
        Assert.Single(Directory.GetFiles(Cache, "*.ref"));
    }

    [Fact]
    public async Task A_reference_that_does_not_compile_is_an_invalid_spec_naming_the_reference()
    {
        var broken = CustomSpecs.BiasRelu(CustomSpecs.BiasReluReference.Replace("fmax(", "fmax((", StringComparison.Ordinal));

        var run = await Exec(CustomSpecs.BiasReluSpec(definition: broken));

        Assert.Equal("invalid_spec", run.Json.GetProperty("status").GetString());
        Assert.StartsWith("opDefinition.reference: the reference does not compile", run.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_bad_field_of_the_definition_is_named()
    {
        var definition = CustomSpecs.BiasRelu() with { Buffers = [CustomSpecs.BiasRelu().Buffers![0], new OpBufferSpec("y", "output", "f32", "n * m")] };

        var run = await Exec(CustomSpecs.BiasReluSpec(definition: definition));

        Assert.Equal("invalid_spec", run.Json.GetProperty("status").GetString());
        Assert.Contains("opDefinition.buffers[1].length: unknown name 'm'", run.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Without_a_CPU_OpenCL_device_with_fp64_for_the_reference_the_job_is_unsupported()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder, "no-icd")).FullName;

        var run = await Exec(CustomSpecs.BiasReluSpec(), new Dictionary<string, string> { ["PORTAL_REFERENCE_OCL_ICD_VENDORS"] = empty });

        Assert.Equal("unsupported", run.Json.GetProperty("status").GetString());
        Assert.Contains("no CPU OpenCL device with cl_khr_fp64", run.Json.GetProperty("message").GetString());
    }
}
