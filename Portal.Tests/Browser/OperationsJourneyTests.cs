using Microsoft.Playwright;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>A consortium admin opens the operations page from the menu, on a laptop and on a phone.</summary>
public sealed class OperationsJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Theory]
    [InlineData(1440, 900)]
    [InlineData(390, 844)]
    public async Task A_consortium_admin_reads_the_queue_without_sideways_scrolling(int width, int height)
    {
        var page = await portal.SignedInPageAsync("admin@consortium.demo");
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync(portal.BaseUrl + "/operations");
        await WaitForInteractivityAsync(page);

        await Assertions.Expect(page.GetByTestId("depth-languages")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=depth-language]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-testid=failed-empty], [data-testid=failed-job]").First).ToBeVisibleAsync();
        // The page itself never scrolls sideways; a wide table scrolls inside its own box.
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow} px wider than a {width} px screen");
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"operations-{width}.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
