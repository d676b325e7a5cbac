using System.Collections;
using System.Globalization;
using System.Resources;
using Portal.Api.Dashboard;
using Portal.Components.Dashboard;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Tests.Localization;

/// <summary>The dashboard's and home page's texts exist in English and Korean, key for key.</summary>
public sealed class DashboardTextTests
{
    public static TheoryData<Type> TextClasses() => new() { typeof(DashboardText), typeof(HomeText) };

    [Theory]
    [MemberData(nameof(TextClasses))]
    public void Every_english_text_has_a_korean_one(Type texts)
    {
        var resources = new ResourceManager(texts);

        var english = Keys(resources, CultureInfo.InvariantCulture);
        var korean = Keys(resources, new CultureInfo("ko"));

        Assert.NotEmpty(english);
        Assert.Equal(english, korean);
    }

    [Fact]
    public void Every_status_category_and_lifecycle_has_a_name_in_both_languages()
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            foreach (var culture in new[] { "en", "ko" })
            {
                CultureInfo.CurrentUICulture = new CultureInfo(culture);
                Assert.All(Enum.GetValues<DeploymentStatus>(), s => Assert.NotEmpty(DashboardLabels.Of(s)));
                Assert.All(Enum.GetValues<MilestoneStatus>(), s => Assert.NotEmpty(DashboardLabels.Of(s)));
                Assert.All(Enum.GetValues<SkuCategory>(), c => Assert.NotEmpty(DashboardLabels.Of(c)));
                Assert.All(Enum.GetValues<SkuLifecycle>(), l => Assert.NotEmpty(DashboardLabels.Of(l)));
            }
            Assert.Equal("건설 중", DashboardLabels.Of(DeploymentStatus.UnderConstruction));
            CultureInfo.CurrentUICulture = new CultureInfo("en");
            Assert.Equal("Under construction", DashboardLabels.Of(DeploymentStatus.UnderConstruction));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static string[] Keys(ResourceManager resources, CultureInfo culture)
    {
        // tryParents: false, so a Korean key missing from the .ko.resx is not filled in from English.
        var set = resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"No {culture.Name} resources for {resources.BaseName}.");
        return [.. set.Cast<DictionaryEntry>().Select(e => (string)e.Key).Order(StringComparer.Ordinal)];
    }
}
