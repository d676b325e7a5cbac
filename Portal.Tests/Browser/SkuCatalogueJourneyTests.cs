using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>A partner registers a SKU through the form and finds it in the catalogue, checked by what they see.</summary>
public sealed class SkuCatalogueJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Partner_member_registers_a_sku_then_finds_it_by_search_and_filter_and_opens_its_detail()
    {
        var page = await portal.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var name = $"Mach-2 {Guid.NewGuid():N}"[..20];

        // The catalogue is public: the partner signs in from it and comes back to it.
        await page.GotoAsync(portal.BaseUrl + "/skus");
        await FollowAsync(page, page.GetByTestId("sign-in"), "**/account/login**");
        await FillAndKeepAsync(page, "#email", "partner@samsung.demo");
        await FillAndKeepAsync(page, "#password", DemoPortalFactory.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("partner@samsung.demo");

        await page.GotoAsync(portal.BaseUrl + "/skus");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("new-sku").ClickAsync();
        await page.WaitForURLAsync("**/skus/new");
        await WaitForInteractivityAsync(page);
        // Samsung is this partner's only organisation, so the form has chosen it.
        await Assertions.Expect(page.GetByTestId("field-vendor")).ToHaveValueAsync("Samsung Electronics");
        await page.GetByTestId("field-name").FillAsync(name);
        await ChooseAsync(page, "field-category", "NPU");
        await page.GetByTestId("field-memoryGb").FillAsync("64");
        await page.GetByTestId("field-memoryType").FillAsync("HBM4");
        await page.GetByTestId("field-memoryBandwidthTbs").FillAsync("2");
        await page.GetByTestId("field-bf16Tflops").FillAsync("400");
        await page.GetByTestId("field-releaseMonth").FillAsync("2026-11");
        await page.GetByTestId("save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("sku-name")).ToHaveTextAsync(name);

        await page.GotoAsync(portal.BaseUrl + "/skus");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("sku-search").FillAsync(name[..12]);
        await ChooseAsync(page, "filter-category", "NPU");
        var table = page.GetByTestId("sku-table");
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync("Samsung Electronics");

        // Another category hides it, and the empty state says what to do.
        await ChooseAsync(page, "filter-category", "CPU");
        await Assertions.Expect(page.GetByTestId("sku-empty")).ToContainTextAsync("Clear a filter");
        await ChooseAsync(page, "filter-category", "NPU");

        // The address holds the filter: what Back (or a shared link) opens.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/skus\?.*category=npu"));
        var catalogue = page.Url;
        await table.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("sku-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("sku-vendor")).ToContainTextAsync("Samsung Electronics");
        // 400 TFLOP/s over 2 TB/s.
        await Assertions.Expect(page.GetByTestId("derived-Bf16FlopPerByte")).ToHaveTextAsync("200");
        await Assertions.Expect(page.GetByTestId("sku-no-deployments")).ToBeVisibleAsync();

        // Issue 15: tabs live in the address. The audit tab, once chosen, is what a reload (or a shared link) opens.
        await WaitForInteractivityAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Audit" }).ClickAsync();
        // The tab's content first (the click went through the circuit), then the address, polled: the address changes in
        // place (history.replaceState), with no load to wait for.
        await Assertions.Expect(page.GetByTestId("audit-table")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("[?&]tab=audit"));
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("audit-table")).ToBeVisibleAsync();

        // Filters live in the address too: opening the catalogue's address again (what Back does) shows it as it was
        // left, search and category kept.
        Assert.Contains("q=" + Uri.EscapeDataString(name[..12]), catalogue, StringComparison.Ordinal);
        await page.GotoAsync(catalogue);
        await Assertions.Expect(page.GetByTestId("sku-search")).ToHaveValueAsync(name[..12]);
        // Back is a fresh load: the table's rows come once the circuit is up (the prerendered table has none).
        await WaitForInteractivityAsync(page);
        await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(table.Locator("tbody tr").First).ToContainTextAsync(name);
    }

    /// <summary>Opens a MudSelect and picks the option with this text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        // The select's own box takes the click: the inner input is read-only and may be covered by the shown value.
        await page.Locator("div.mud-select").Filter(new() { Has = page.GetByTestId(testId) }).Last.ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(option, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
    }
}
