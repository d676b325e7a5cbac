using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>On a 390-px phone: the account menu holds the e-mail and Sign out, and the dashboard's milestones are cards.</summary>
public sealed class PhoneJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private const int PhoneWidth = 390;

    [Fact]
    public async Task On_a_390_px_phone_the_officer_reads_milestones_as_cards_and_signs_out_from_the_account_menu()
    {
        const string officer = "officer@msit.demo";
        // Signs in at laptop size (at 390 px Playwright's click on the sign-in form's submit timed out here; the sign-in
        // page is not part of this journey), then turns the window into a phone and loads the home page afresh.
        var page = await portal.SignedInPageAsync(officer);
        await page.SetViewportSizeAsync(PhoneWidth, 844);
        await page.GotoAsync(portal.BaseUrl + "/");
        await WaitForInteractivityAsync(page);

        // The demo has planned milestones whose day has passed: overdue, as cards rather than a four-column table.
        await Assertions.Expect(page.GetByTestId("milestones-slipped")).ToBeHiddenAsync();
        var card = page.GetByTestId("milestones-slipped-cards").GetByTestId("milestone-card").First;
        Assert.True((await BoxAsync(card)).Width <= PhoneWidth);

        // The bar's own Sign out would sit off-screen: it is hidden, and the account menu has it.
        await Assertions.Expect(page.GetByTestId("sign-out")).ToBeHiddenAsync();
        var menu = page.GetByTestId("account-menu").Locator("button");
        var box = await BoxAsync(menu);
        Assert.True(box.X >= 0 && box.X + box.Width <= PhoneWidth, $"the account menu's button lies at x={box.X}, width {box.Width}");
        await menu.ClickAsync();
        await Assertions.Expect(page.GetByTestId("account-menu-email")).ToHaveTextAsync(officer);
        var signOut = page.GetByTestId("account-menu-sign-out");
        await Assertions.Expect(signOut).ToBeInViewportAsync();
        await signOut.ClickAsync();

        await Assertions.Expect(page.Locator("#email")).ToBeVisibleAsync();
        await page.GotoAsync(portal.BaseUrl + "/");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
    }
}
