using System.Collections;
using System.Globalization;
using System.Resources;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Components.Deployments;

namespace Portal.Tests.Localization;

/// <summary>Every deployment text exists in Korean, and money reads the way each culture writes it.</summary>
public sealed class DeploymentTextTests
{
    public static TheoryData<Type> Markers => new() { typeof(DeploymentText), typeof(DeploymentUi) };

    [Theory]
    [MemberData(nameof(Markers))]
    public void Every_english_text_has_a_korean_one(Type marker)
    {
        var resources = new ResourceManager(marker);
        var english = Keys(resources.GetResourceSet(CultureInfo.InvariantCulture, true, false)!);
        var korean = Keys(resources.GetResourceSet(new CultureInfo("ko"), true, false)!);

        Assert.NotEmpty(english);
        Assert.Equal(english, korean);
    }

    [Theory]
    [InlineData(2_500_000_000_000, "KRW", "en", "₩2,500,000,000,000")]
    [InlineData(2_500_000_000_000, "KRW", "ko", "₩2,500,000,000,000")]
    [InlineData(1250.5, "USD", "en", "$1,250.50")]
    [InlineData(1250.5, "EUR", "en", "€1,250.50")]
    [InlineData(300000, "JPY", "ko", "¥300,000")]
    [InlineData(300, "GBP", "en", "GBP 300.00")]
    public void Money_is_written_with_the_currency_the_culture_expects(double amount, string currency, string culture, string expected)
    {
        Assert.Equal(expected, Money.Format((decimal)amount, currency, new CultureInfo(culture)));
    }

    private static SortedSet<string> Keys(ResourceSet set) =>
        new(set.Cast<DictionaryEntry>().Select(e => (string)e.Key), StringComparer.Ordinal);
}
