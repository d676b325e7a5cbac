using System.Reflection;
using System.Text.Json;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Suite;

/// <summary>One kernel of the built-in suite: a spec with its source filled in, ready for the runner.</summary>
public sealed record SuiteEntry(string Op, KernelLanguage Language, KernelSpec Spec);

/// <summary>
/// The built-in conformance suite: for each language, one kernel per op, shipped as embedded resources
/// <c>Suite/&lt;language&gt;/&lt;op&gt;.&lt;ext&gt;</c> beside <c>&lt;op&gt;.spec.json</c>, a spec without its source.
/// A language is whatever folder is present; nothing here lists the ops or the files.
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

    /// <summary>Every entry of every language, by language then in the catalog's op order.</summary>
    /// <exception cref="InvalidDataException">A suite file is malformed: a build defect, named in the message.</exception>
    public static IReadOnlyList<SuiteEntry> All => Loaded.Value;

    public static IReadOnlyList<SuiteEntry> For(KernelLanguage language) => [.. All.Where(e => e.Language == language)];

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
            if (segments.Length < 3 || segments[^3] != "Suite")
                continue;
            var (folder, op) = (segments[^2], segments[^1]);
            var language = KernelLanguages.Names.FirstOrDefault(n => n == folder || n.Replace('-', '_') == folder) is { } known
                ? KernelLanguages.Parse(known)!.Value
                : throw new InvalidDataException($"{specName}: suite folder '{folder}' is not a kernel language ({string.Join(", ", KernelLanguages.Names)})");
            var sourceName = specName[..^SpecSuffix.Length] + SourceExtensions[language];
            if (!names.Contains(sourceName))
                throw new InvalidDataException($"{specName}: no source {sourceName} beside it");
            entries.Add(new SuiteEntry(op, language, ReadSpec(assembly, specName, op, language) with { Source = Read(assembly, sourceName) }));
        }
        var opOrder = OpCatalog.All.Select(o => o.Name).ToList();
        return [.. entries
            .OrderBy(e => e.Language)
            .ThenBy(e => opOrder.IndexOf(e.Op) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(e => e.Op, StringComparer.Ordinal)];
    }

    private static KernelSpec ReadSpec(Assembly assembly, string name, string op, KernelLanguage language)
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
