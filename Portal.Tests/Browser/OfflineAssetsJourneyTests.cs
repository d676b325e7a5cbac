using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Issue 15: the portal runs where nothing outside it can be reached. The API reference and the pages load everything
/// they use from the portal itself (no web fonts, no cloud client, no telemetry), and the tab shows the portal's icon.
/// </summary>
public sealed class OfflineAssetsJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Fact]
    public async Task The_API_reference_asks_nothing_of_any_other_host_and_offers_no_cloud_buttons()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)BrowserPortal.Patience.TotalMilliseconds);
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!IsLocal(request.Url))
                elsewhere.Add(request.Url);
        };

        await page.GotoAsync(portal.BaseUrl + "/scalar");
        // The reference rendered the portal's own document: an operation of the agent protocol is listed.
        await Assertions.Expect(page.GetByText("Consortium Portal API").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("/api/v1/organizations");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Empty(elsewhere);
        // The buttons that lead to Scalar's cloud (its hosted client, its AI agent, its MCP generator) are not offered.
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("Open API Client", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Ask AI", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Generate MCP", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_page_names_the_portals_icon_and_the_icon_is_served()
    {
        await using var context = await portal.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)BrowserPortal.Patience.TotalMilliseconds);

        foreach (var path in new[] { "/account/login", "/scalar" })
        {
            await page.GotoAsync(portal.BaseUrl + path);
            // The address as the browser resolves it (against the page's <base>).
            var icon = await page.Locator("link[rel=icon]").First.EvaluateAsync<string>("link => link.href");
            Assert.False(string.IsNullOrEmpty(icon), $"{path} names no icon");
            var response = await context.APIRequest.GetAsync(icon);
            Assert.True(response.Status == 200, $"{path}: {icon} answered {response.Status}");
            Assert.StartsWith("image/", response.Headers["content-type"], StringComparison.Ordinal);
        }
    }

    private bool IsLocal(string url) =>
        url.StartsWith(portal.BaseUrl, StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal)
        || url.StartsWith("blob:", StringComparison.Ordinal);
}
