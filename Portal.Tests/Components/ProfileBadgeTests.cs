using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Profiles;
using Portal.Components.Profiles;
using Portal.Components.Shared;

namespace Portal.Tests.Components;

/// <summary>A SKU's badge for a profile reads met, n of m passing or not tested, in English and in Korean.</summary>
public sealed class ProfileBadgeTests : BunitContext, IAsyncLifetime
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public ProfileBadgeTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }

    [Theory]
    [InlineData("en", ProfileStanding.Met, 8, "Meets")]
    [InlineData("en", ProfileStanding.Partial, 5, "5 of 8 passing")]
    [InlineData("en", ProfileStanding.NotTested, 0, "Not tested")]
    [InlineData("ko", ProfileStanding.Met, 8, "충족")]
    [InlineData("ko", ProfileStanding.Partial, 5, "8개 중 5개 통과")]
    [InlineData("ko", ProfileStanding.NotTested, 0, "테스트 안 됨")]
    public void A_badge_reads_the_standing_in_the_current_language(string culture, ProfileStanding standing, int passed, string text)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);

        var badge = Render<ProfileBadge>(p => p.Add(b => b.Standing, standing).Add(b => b.Passed, passed).Add(b => b.Required, 8));

        var chip = badge.Find("[data-testid=profile-badge]");
        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Equal(standing.ToString(), chip.GetAttribute("data-standing"));
    }

    [Theory]
    [InlineData("en", "includes offline results", "signed bundle")]
    [InlineData("ko", "오프라인 결과 포함", "서명된 번들")]
    public void A_badge_whose_verdicts_include_an_offline_one_says_so_in_the_current_language(string culture, string text, string hint)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);

        var offline = Render<ProfileBadge>(p => p.Add(b => b.Standing, ProfileStanding.Met).Add(b => b.Passed, 8).Add(b => b.Required, 8)
            .Add(b => b.Offline, true));
        var online = Render<ProfileBadge>(p => p.Add(b => b.Standing, ProfileStanding.Met).Add(b => b.Passed, 8).Add(b => b.Required, 8));

        var mark = offline.Find("[data-testid=profile-badge-offline]");
        Assert.Equal(text, mark.TextContent.Trim());
        Assert.Contains(hint, mark.GetAttribute("title"));
        Assert.Empty(online.FindAll("[data-testid=profile-badge-offline]"));
    }
}
