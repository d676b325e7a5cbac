using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Portal.Api.Skus;
using Portal.Components.Skus;

namespace Portal.Tests.Localization;

/// <summary>Every SKU text exists in English and Korean, with the same placeholders.</summary>
public sealed partial class SkuTextTests
{
    public static TheoryData<Type> Markers => new() { typeof(SkuText), typeof(SkuPageText) };

    [Theory]
    [MemberData(nameof(Markers))]
    public void Each_english_text_has_a_korean_one_with_the_same_placeholders(Type marker)
    {
        var resources = new ResourceManager(marker);
        var english = Texts(resources, CultureInfo.InvariantCulture);
        var korean = Texts(resources, new CultureInfo("ko"));

        Assert.NotEmpty(english);
        Assert.Equal(english.Keys.Order(), korean.Keys.Order());
        foreach (var (key, text) in english)
            Assert.True(Placeholders(text).SetEquals(Placeholders(korean[key])), $"{marker.Name}.{key}: '{text}' and '{korean[key]}' differ in placeholders.");
    }

    private static Dictionary<string, string> Texts(ResourceManager resources, CultureInfo culture) =>
        resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"\{(\d+)")]
    private static partial Regex Placeholder();
}
