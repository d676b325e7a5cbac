using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>A person switches the portal to Korean and finds it still in Korean next time.</summary>
public sealed class LanguageJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_switcher_turns_the_organisations_page_korean_and_the_choice_is_remembered()
    {
        await using var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1366, Height = 800 },
        });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();

        // The sign-in page (static) has plain links for both languages.
        await page.GotoAsync(portal.BaseUrl + "/account/login");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByTestId("culture-ko").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "로그인" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await page.GetByTestId("culture-en").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await page.FillAsync("#email", "partner@samsung.demo");
        await page.FillAsync("#password", DemoPortalFactory.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("partner@samsung.demo");

        await page.GotoAsync(portal.BaseUrl + "/organizations");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Organisations", Exact = true })).ToBeVisibleAsync();
        await WaitForInteractivityAsync(page);
        // Moves within the circuit, so that the switcher must come back to where the person is now.
        await page.GetByRole(AriaRole.Link, new() { Name = "Alliances", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alliances", Exact = true })).ToBeVisibleAsync();

        // The app bar's menu: choosing 한국어 reloads the same page in Korean.
        await page.GetByTestId("culture-switcher").Locator("button").First.ClickAsync();
        await page.GetByText("한국어", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "연합", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        Assert.Equal("/alliances", new Uri(page.Url).AbsolutePath);

        await WaitForInteractivityAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "기관", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "기관", Exact = true })).ToBeVisibleAsync();
        var table = page.GetByTestId("org-table");
        await Assertions.Expect(table.Locator("thead")).ToContainTextAsync("이름");
        await Assertions.Expect(table.Locator("thead")).ToContainTextAsync("유형");
        await Assertions.Expect(table.Locator("tbody")).ToContainTextAsync("대한민국");

        // The next visit, in a new tab of the same browser, starts in Korean.
        var next = await context.NewPageAsync();
        await next.GotoAsync(portal.BaseUrl + "/organizations");
        await Assertions.Expect(next.GetByRole(AriaRole.Heading, new() { Name = "기관", Exact = true })).ToBeVisibleAsync();
        await WaitForInteractivityAsync(next);
        await Assertions.Expect(next.GetByTestId("org-table").Locator("thead")).ToContainTextAsync("수정일");
        await Assertions.Expect(next.GetByTestId("culture-switcher")).ToContainTextAsync("한국어");

        // The services' rules answer in Korean too, beside the field, through the same circuit.
        await next.GetByRole(AriaRole.Link, new() { Name = "Samsung Electronics", Exact = true }).ClickAsync();
        await Assertions.Expect(next.GetByTestId("org-name")).ToHaveTextAsync("Samsung Electronics");
        await WaitForInteractivityAsync(next);
        await next.GetByTestId("edit").ClickAsync();
        await WaitForInteractivityAsync(next);
        await next.GetByTestId("field-website").FillAsync("samsung");
        await next.GetByTestId("save").ClickAsync();
        await Assertions.Expect(next.GetByTestId("form-problem")).ToHaveTextAsync("확인이 필요한 항목이 있습니다. 각 항목 옆의 메시지를 확인해 주세요.");
        await Assertions.Expect(next.GetByText("웹사이트는 http:// 또는 https://로 시작하는 전체 주소여야 합니다(예: https://example.com).")).ToBeVisibleAsync();
    }
}
