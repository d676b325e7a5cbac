using System.Text.Json.Nodes;

namespace Portal.Tests.Kernels;

/// <summary>
/// The storage-dtype kernels of the GPU runbook (scripts/gpu/dtypes/&lt;language&gt;/): each says on its first line the
/// verdict it must get ("expect: passed" or "expect: &lt;status&gt; | &lt;text of the message&gt;") and on its second its spec
/// less language and source. The opencl-c ones run on PoCL in the tests as well as on the GPU.
/// </summary>
/// <param name="UnsupportedIf">Text an unsupported verdict must contain to be a right answer too (fp8 below compute capability 8.9); null when none is.</param>
internal sealed record DtypeKernelFile(string Language, string Name, string Source, string Status, string MessageText, JsonObject Spec,
    string? UnsupportedIf = null)
{
    public static readonly string Folder = Path.Combine(FloatFormatsTests.RepositoryRoot(), "scripts", "gpu", "dtypes");

    public static readonly IReadOnlyDictionary<string, string> Extensions =
        new Dictionary<string, string> { ["opencl-c"] = "cl", ["cuda-c"] = "cu", ["triton"] = "py" };

    public static IEnumerable<DtypeKernelFile> Of(string language) =>
        Directory.GetFiles(Path.Combine(Folder, language), "*." + Extensions[language]).Order(StringComparer.Ordinal).Select(path => Read(language, path));

    public static DtypeKernelFile Get(string language, string name) => Read(language, Path.Combine(Folder, language, $"{name}.{Extensions[language]}"));

    private static DtypeKernelFile Read(string language, string path)
    {
        var source = File.ReadAllText(path);
        var lines = source.Split('\n');
        var expect = lines[0].Split("expect:", 2)[1].Split("; unsupported if", 2);
        var parts = expect[0].Split('|', 2);
        var spec = JsonNode.Parse(lines[1].Split("spec:", 2)[1])!.AsObject();
        return new DtypeKernelFile(language, Path.GetFileNameWithoutExtension(path), source, parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : "", spec,
            expect.Length > 1 ? expect[1].Trim() : null);
    }

    /// <summary>The whole spec as `Portal.Agent exec` and the portal take it.</summary>
    public string SpecJson()
    {
        var spec = Spec.DeepClone().AsObject();
        spec["language"] = Language;
        spec["source"] = Source;
        return spec.ToJsonString();
    }

    /// <summary>The spec written beside the test binaries (where AgentProcess writes its own), for exec and the queue.</summary>
    public string WriteSpecFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "agent-specs")).FullName;
        var path = Path.Combine(folder, $"{Name}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, SpecJson());
        return path;
    }

    public override string ToString() => $"{Language}/{Name}";
}
