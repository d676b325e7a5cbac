using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>The home page of the demo portal, on a 1366×768 screen, checked by what a person sees.</summary>
public sealed class DashboardJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private Task<IPage> SignInAsync(string email, string? locale = null) => portal.SignedInPageAsync(email, locale);

    [Fact]
    public async Task A_ministry_officer_sees_the_demo_registry_at_a_glance()
    {
        var page = await SignInAsync("officer@msit.demo");

        var status = page.GetByTestId("chart-status");
        await Assertions.Expect(status).ToContainTextAsync("5 deployments");
        await Assertions.Expect(status).ToContainTextAsync("Under construction (3)");
        await Assertions.Expect(status.Locator("svg").First).ToBeVisibleAsync();
        // Korea's two Stargate sites state 20 MW each; the National AI Computing Center states none.
        await Assertions.Expect(page.GetByTestId("power-table").Locator("tbody tr").Filter(new() { HasText = "KR" })).ToContainTextAsync("40");
        // B200s in Korea and Norway are foreign; FuriosaAI's and Rebellions' NPUs in Korea are domestic.
        await Assertions.Expect(page.GetByTestId("accelerators-summary")).ToContainTextAsync("117,000 accelerators planned, 2,000 of them domestic");
        await Assertions.Expect(page.GetByTestId("milestones")).ToBeVisibleAsync();
        // The three charts share one row on this screen (measured once the circuit has re-rendered the page).
        await WaitForInteractivityAsync(page);
        var boxes = await Task.WhenAll(new[] { "chart-status", "chart-power", "chart-accelerators" }
            .Select(id => BoxAsync(page.GetByTestId(id))));
        Assert.All(boxes, box => Assert.Equal(boxes[0].Y, box.Y));
        Assert.True(boxes[2].X + boxes[2].Width <= 1366, "The third chart fits the screen's width.");
    }

    [Fact]
    public async Task A_partner_finds_its_skus_and_a_korean_browser_gets_the_dashboard_in_korean()
    {
        var page = await SignInAsync("partner@samsung.demo", locale: "ko-KR");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "한눈에 보기" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-status")).ToContainTextAsync("건설 중 (3)");
        var skus = page.GetByTestId("home-partner");
        await Assertions.Expect(skus).ToContainTextAsync("Mach-1");
        await Assertions.Expect(skus.GetByRole(AriaRole.Link, new() { Name = "Mach-1" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/skus/[0-9a-f-]{36}$"));
        await Assertions.Expect(skus).ToContainTextAsync("아직 포함된 구축 사업이 없음");
    }
}
