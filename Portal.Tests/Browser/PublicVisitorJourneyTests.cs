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

    /// <summary>
    /// A Korean reader copies the links of a deployment page and a SKU page; a visitor who is not signed in, in an English
    /// browser, opens them and sees the same records in Korean, still Korean once the page has turned interactive.
    /// </summary>
    [Fact]
    public async Task Shared_links_to_a_deployment_and_a_sku_open_in_korean_for_a_signed_out_visitor_with_an_english_browser()
    {
        var sku = await portal.WithDbAsync(db => db.HardwareSkus.Where(s => s.Publication == Portal.Data.Publishing.Publication.Public)
            .OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).FirstAsync());
        var deployment = await portal.WithDbAsync(db => db.Deployments.Where(d => d.Publication == Portal.Data.Publishing.Publication.Public)
            .OrderBy(d => d.Name).Select(d => new { d.Id, d.Name }).FirstAsync());
        var viewport = new ViewportSize { Width = 1366, Height = 768 };

        await using var korean = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ko-KR", ViewportSize = viewport });
        await korean.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = portal.BaseUrl });
        var reader = await korean.NewPageAsync();
        reader.SetDefaultTimeout((float)BrowserPortal.Patience.TotalMilliseconds);
        var links = new List<(string Link, string Path, string TestId, string Name)>();
        foreach (var (path, testId, name) in new[] { ($"/deployments/{deployment.Id}", "deployment-name", deployment.Name), ($"/skus/{sku.Id}", "sku-name", sku.Name) })
        {
            await reader.GotoAsync(portal.BaseUrl + path);
            await WaitForInteractivityAsync(reader);
            await Assertions.Expect(reader.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await reader.GetByTestId("copy-view-link").First.ClickAsync();
            await Assertions.Expect(reader.GetByText("복사했습니다").First).ToBeVisibleAsync();
            var link = await reader.EvaluateAsync<string>("navigator.clipboard.readText()");
            Assert.Equal(path, new Uri(link).AbsolutePath);
            Assert.Contains("lang=ko", new Uri(link).Query, StringComparison.Ordinal);
            links.Add((link, path, testId, name));
        }

        await using var english = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = viewport });
        var visitor = await english.NewPageAsync();
        visitor.SetDefaultTimeout((float)BrowserPortal.Patience.TotalMilliseconds);
        foreach (var (link, path, testId, name) in links)
        {
            await visitor.GotoAsync(link);
            await WaitForInteractivityAsync(visitor);
            Assert.Equal(path, new Uri(visitor.Url).AbsolutePath);
            await Assertions.Expect(visitor.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await Assertions.Expect(visitor.GetByTestId(testId)).ToHaveTextAsync(name);
            // Rendered by the interactive circuit, which connects without the link's query: Korean because the link's language is remembered.
            await Assertions.Expect(visitor.GetByTestId("sign-in-to-edit")).ToHaveTextAsync(new Regex("편집하려면 로그인"));
        }
    }
}
