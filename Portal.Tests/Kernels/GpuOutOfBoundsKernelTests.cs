using System.Text.Json.Nodes;
using Portal.Kernels.Spec;

namespace Portal.Tests.Kernels;

/// <summary>
/// The known-wrong out-of-bounds kernels that the GPU runbook runs (scripts/gpu/out-of-bounds/run.sh), checked here
/// without a GPU: both languages have the same kernels, each says the verdict it must get, and each validates in its
/// language's spec. Their opencl-c twins run on PoCL in OpenClOutOfBoundsTests.
/// </summary>
public class GpuOutOfBoundsKernelTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "scripts", "gpu", "out-of-bounds");

    private static readonly Dictionary<string, string> Extensions = new() { ["cuda-c"] = "cu", ["triton"] = "py" };

    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var (language, extension) in Extensions)
            foreach (var file in Directory.GetFiles(Path.Combine(Folder, language), "*." + extension).Order(StringComparer.Ordinal))
                data.Add(language, Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Both_languages_have_the_same_kernels_a_correct_one_and_the_four_wrong_ones()
    {
        string[] Names(string language) =>
            [.. Directory.GetFiles(Path.Combine(Folder, language)).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

        Assert.Equal(["before_start", "correct", "far_past_end", "past_end", "writes_input"], Names("cuda-c"));
        Assert.Equal(Names("cuda-c"), Names("triton"));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_kernel_says_its_verdict_and_validates_in_its_languages_spec(string language, string file)
    {
        var source = File.ReadAllText(Path.Combine(Folder, language, file));
        var expect = source.Split('\n')[0];
        Assert.Matches(file.StartsWith("correct", StringComparison.Ordinal)
            ? @"^(//|#) expect: passed$"
            : @"^(//|#) expect: failed \| (out of bounds (after the end|before the start) of z: |wrote to input x: )", expect);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, language + ".spec.json")))!.AsObject();
        spec["source"] = source;
        var validation = KernelSpecJson.Parse(spec.ToJsonString());
        Assert.True(validation.IsValid, validation.Message);
        Assert.Equal(language, validation.Spec!.Language.Name());
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Portal.slnx")))
                return folder.FullName;
        throw new InvalidOperationException($"no Portal.slnx above {AppContext.BaseDirectory}");
    }
}
