using System.Reflection;
using System.Text.Json;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Suite;

/// <summary>One kernel of the built-in suite: a spec with its source filled in, ready for the runner.</summary>
/// <param name="Dtype">The spec's <c>dtype</c>: f32 for the plain files, the variant's dtype for <c>&lt;op&gt;.&lt;dtype&gt;.*</c>.</param>
public sealed record SuiteEntry(string Op, KernelLanguage Language, KernelSpec Spec, string Dtype = SuiteEntry.Float32)
{
    public const string Float32 = "f32";

    /// <summary>The file name's stem, and how the suite names the kernel: <c>matmul</c>, <c>matmul.bf16</c>.</summary>
    public string Name => Dtype == Float32 ? Op : $"{Op}.{Dtype}";
}

/// <summary>
/// The built-in conformance suite (v2): for each language, one kernel per op, shipped as embedded resources
/// <c>Suite/&lt;language&gt;/&lt;op&gt;.&lt;ext&gt;</c> beside <c>&lt;op&gt;.spec.json</c>, a spec without its source, and
/// dtype variants <c>&lt;op&gt;.&lt;dtype&gt;.&lt;ext&gt;</c> beside <c>&lt;op&gt;.&lt;dtype&gt;.spec.json</c>, whose spec says
/// that <c>dtype</c>. A language is whatever folder is present; nothing here lists the ops, the dtypes or the files.
/// </summary>
public static class ConformanceSuite
{
    private const string SpecSuffix = ".spec.json";

    internal static readonly IReadOnlyDictionary<KernelLanguage, string> SourceExtensions = new Dictionary<KernelLanguage, string>
    {
        [KernelLanguage.OpenClC] = ".cl",
        [KernelLanguage.CudaC] = ".cu",
        [KernelLanguage.Triton] = ".py",
    };

    private static readonly Lazy<IReadOnlyList<SuiteEntry>> Loaded = new(() => Load(typeof(ConformanceSuite).Assembly));

    /// <summary>Every entry of every language, by language, then in the catalog's op order, each op's f32 kernel before its variants.</summary>
    /// <exception cref="InvalidDataException">A suite file is malformed: a build defect, named in the message.</exception>
    public static IReadOnlyList<SuiteEntry> All => Loaded.Value;

    public static IReadOnlyList<SuiteEntry> For(KernelLanguage language) => [.. All.Where(e => e.Language == language)];

    /// <summary>The op's f32 kernel in a language (what control kernels are built from); null if none.</summary>
    public static SuiteEntry? Plain(KernelLanguage language, string op) => Find(language, op, SuiteEntry.Float32);

    /// <summary>The op's kernel for a dtype in a language (the test form's starter); null if the suite has none.</summary>
    public static SuiteEntry? Find(KernelLanguage language, string op, string dtype) =>
        All.FirstOrDefault(e => e.Language == language && e.Op == op && e.Dtype == dtype);

    /// <summary>
    /// Reads the suite from an assembly's resources. MSBuild names them RootNamespace + path with '/' as '.'
    /// and folder names made identifiers ("opencl-c" becomes "opencl_c"), so names are matched by their last
    /// segments rather than by a fixed prefix.
    /// </summary>
    internal static IReadOnlyList<SuiteEntry> Load(Assembly assembly)
    {
        var names = assembly.GetManifestResourceNames().ToHashSet(StringComparer.Ordinal);
        var entries = new List<SuiteEntry>();
        foreach (var specName in names.Where(n => n.EndsWith(SpecSuffix, StringComparison.Ordinal)))
        {
            var segments = specName[..^SpecSuffix.Length].Split('.');
            // Suite.<folder>.<op> for a plain file, Suite.<folder>.<op>.<dtype> for a variant (controls/ sits deeper).
            var variant = segments.Length >= 4 && segments[^4] == "Suite" && ElementTypes.ParseDtype(segments[^1]) is not null;
            if (!variant && (segments.Length < 3 || segments[^3] != "Suite"))
                continue;
            var (folder, op, dtype) = variant ? (segments[^3], segments[^2], segments[^1]) : (segments[^2], segments[^1], SuiteEntry.Float32);
            var language = KernelLanguages.Names.FirstOrDefault(n => n == folder || n.Replace('-', '_') == folder) is { } known
                ? KernelLanguages.Parse(known)!.Value
                : throw new InvalidDataException($"{specName}: suite folder '{folder}' is not a kernel language ({string.Join(", ", KernelLanguages.Names)})");
            var sourceName = specName[..^SpecSuffix.Length] + SourceExtensions[language];
            if (!names.Contains(sourceName))
                throw new InvalidDataException($"{specName}: no source {sourceName} beside it");
            entries.Add(new SuiteEntry(op, language, ReadSpec(assembly, specName, op, language, dtype) with { Source = Read(assembly, sourceName) }, dtype));
        }
        var opOrder = OpCatalog.All.Select(o => o.Name).ToList();
        var dtypeOrder = ElementTypes.DtypeNames.ToList();
        return [.. entries
            .OrderBy(e => e.Language)
            .ThenBy(e => opOrder.IndexOf(e.Op) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(e => e.Op, StringComparer.Ordinal)
            .ThenBy(e => dtypeOrder.IndexOf(e.Dtype))];
    }

    private static KernelSpec ReadSpec(Assembly assembly, string name, string op, KernelLanguage language, string dtype)
    {
        KernelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<KernelSpec>(Read(assembly, name), KernelSpecJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
        if (spec is null)
            throw new InvalidDataException($"{name}: the document is null");
        if (spec.Source is not null)
            throw new InvalidDataException($"{name}: has a source; the source belongs in the file beside it");
        if (spec.Op != op || spec.Language != language.Name())
            throw new InvalidDataException($"{name}: says op '{spec.Op}', language '{spec.Language}' but sits at {language.Name()}/{op}");
        // A variant's file name and its spec say the same dtype; a plain file is f32, so it says none or f32.
        if ((spec.Dtype ?? SuiteEntry.Float32) != dtype)
            throw new InvalidDataException($"{name}: says dtype '{spec.Dtype ?? SuiteEntry.Float32}' but its file name says {dtype}");
        return spec;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"resource {name} cannot be opened");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
