using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>A visitor who is not signed in opens a link to a public SKU page: the page, not a login wall, and a way to sign in.</summary>
public sealed class PublicVisitorJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Fact]
    public async Task A_signed_out_visitor_opens_a_public_sku_page_and_sees_sign_in_to_edit()
    {
        var sku = await portal.WithDbAsync(db => db.HardwareSkus.OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).FirstAsync());
        var (id, name) = (sku.Id, sku.Name);
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)BrowserPortal.Patience.TotalMilliseconds);

        await page.GotoAsync($"{portal.BaseUrl}/skus/{id}");
        await WaitForInteractivityAsync(page);
        Assert.Equal($"/skus/{id}", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByTestId("sku-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("sign-in-to-edit")).ToHaveTextAsync(new Regex("Sign in to edit", RegexOptions.IgnoreCase));
        await Assertions.Expect(page.GetByTestId("edit")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync();

        // In Korean too.
        await page.GetByTestId("culture-switcher").Locator("button").First.ClickAsync();
        await page.GetByText("한국어", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("sign-in-to-edit")).ToHaveTextAsync(new Regex("편집하려면 로그인"));

        // The button leads to the sign-in page, which comes back to the SKU.
        await page.GetByTestId("sign-in-to-edit").ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));
        Assert.Contains(Uri.EscapeDataString($"/skus/{id}"), page.Url, StringComparison.OrdinalIgnoreCase);
        await context.CloseAsync();
    }
}
