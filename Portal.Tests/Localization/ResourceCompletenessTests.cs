using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;

namespace Portal.Tests.Localization;

/// <summary>
/// Every text exists in English and Korean: each .resx embedded in the portal's assemblies has a
/// marker class of the same name (what IStringLocalizer and Localized look it up by) and a .ko.resx
/// with the same keys, each non-empty and with the same placeholders.
/// </summary>
public sealed partial class ResourceCompletenessTests
{
    private static readonly CultureInfo Korean = new("ko");

    public static TheoryData<string> ResourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var (assembly, baseName) in EmbeddedResources())
            data.Add($"{assembly.GetName().Name}:{baseName}");
        return data;
    }

    [Fact]
    public void The_portal_has_resource_files_to_check()
    {
        // Guards the theory below against finding nothing (e.g. a changed assembly name).
        var names = EmbeddedResources().Select(r => r.BaseName).ToList();
        Assert.Contains("Portal.Api.Common.SharedText", names);
        Assert.Contains("Portal.Components.Organizations.OrganizationPageText", names);
    }

    [Theory]
    [MemberData(nameof(ResourceFiles))]
    public void Every_english_text_has_a_korean_translation(string resource)
    {
        var (assembly, baseName) = Find(resource);
        Assert.True(assembly.GetType(baseName) is not null, $"{baseName}.resx has no marker class {baseName} in {assembly.GetName().Name}.");
        var manager = new ResourceManager(baseName, assembly);
        var english = Texts(manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false));
        var korean = Texts(manager.GetResourceSet(Korean, createIfNotExists: true, tryParents: false));
        Assert.True(korean is not null, $"{baseName} has no .ko.resx (no Korean satellite resources).");

        Assert.NotEmpty(english!);
        Assert.Empty(english!.Keys.Except(korean!.Keys).Select(k => $"{baseName}.ko.resx lacks '{k}'"));
        Assert.Empty(korean.Keys.Except(english.Keys).Select(k => $"{baseName}.ko.resx has '{k}', which {baseName}.resx has not"));
        foreach (var (key, text) in english)
        {
            Assert.False(string.IsNullOrWhiteSpace(korean[key]), $"{baseName}.ko.resx: '{key}' is empty.");
            Assert.True(Placeholders(text).SetEquals(Placeholders(korean[key])),
                $"{baseName}: '{key}' has placeholders {{{string.Join(",", Placeholders(text))}}} in English but {{{string.Join(",", Placeholders(korean[key]))}}} in Korean.");
        }
    }

    private static Dictionary<string, string>? Texts(ResourceSet? set) =>
        set?.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();

    private static (Assembly Assembly, string BaseName) Find(string resource)
    {
        var (assemblyName, baseName) = (resource[..resource.IndexOf(':')], resource[(resource.IndexOf(':') + 1)..]);
        return (Assembly.Load(assemblyName), baseName);
    }

    /// <summary>Every *.resources in every Portal* assembly beside the tests: all the repository's projects.</summary>
    private static IEnumerable<(Assembly Assembly, string BaseName)> EmbeddedResources() =>
        Directory.GetFiles(AppContext.BaseDirectory, "Portal*.dll")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(name => !name.EndsWith(".resources", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => Assembly.Load(name))
            .SelectMany(assembly => assembly.GetManifestResourceNames()
                .Where(n => n.EndsWith(".resources", StringComparison.Ordinal))
                .Select(n => (assembly, n[..^".resources".Length])));
}
