using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>What a partner admin does in a browser, checked by what they see.</summary>
public sealed class PartnerAdminJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Partner_admin_edits_the_description_sees_it_and_its_audit_entry_then_signs_out()
    {
        var page = await portal.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 800 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var description = $"Memory and foundry partner; HBM for the consortium's accelerators ({Guid.NewGuid():N}).";

        // Anonymous visitors read the public list and sign in from the app bar (the public record, DESIGN.md).
        await page.GotoAsync(portal.BaseUrl + "/organizations");
        await FollowAsync(page, page.GetByTestId("sign-in"), "**/account/login**");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await FillAndKeepAsync(page, "#email", "partner@samsung.demo");
        await FillAndKeepAsync(page, "#password", DemoPortalFactory.DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("partner@samsung.demo");

        await page.GetByRole(AriaRole.Link, new() { Name = "Samsung Electronics", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("org-name")).ToHaveTextAsync("Samsung Electronics");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("edit").ClickAsync();

        await WaitForInteractivityAsync(page);
        await page.GetByTestId("field-description").FillAsync(description);
        await page.GetByTestId("save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("org-description")).ToHaveTextAsync(description);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Audit" }).ClickAsync();
        var entry = page.GetByTestId("audit-table").Locator("tbody tr").First;
        await Assertions.Expect(entry).ToContainTextAsync("Partner Admin (Samsung)");
        await Assertions.Expect(entry).ToContainTextAsync("Description");
        await Assertions.Expect(entry).ToContainTextAsync(description);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        // Signed out, the organisations are still there to read, with a way back in and nothing to edit.
        await page.GotoAsync(portal.BaseUrl + "/organizations");
        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
    }
}
