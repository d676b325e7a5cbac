using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>Waits the journeys share: for the circuit to take over a prerendered page, and for an element's laid-out box.</summary>
internal static class PageWaits
{
    /// <summary>The layout renders its "interactive" marker only once the circuit runs: clicks before it reach nothing.</summary>
    public static Task WaitForInteractivityAsync(IPage page) =>
        page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>
    /// The element's box once it is laid out. A re-render (the circuit replacing the prerendered markup, a breakpoint change
    /// after the window is resized) can detach the element between "visible" and the measurement, when Playwright answers
    /// null; so this waits for it to be visible and measures again until it has a box, within the journeys' patience.
    /// </summary>
    public static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator element)
    {
        var deadline = DateTime.UtcNow + BrowserPortal.Patience;
        while (true)
        {
            await Assertions.Expect(element).ToBeVisibleAsync();
            if (await element.BoundingBoxAsync() is { } box)
                return box;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{element} stayed visible but never had a box within {BrowserPortal.Patience}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The element's box once the layout has come to rest: a resize starts CSS transitions (the drawer giving back its margin
    /// takes a quarter second), and a box measured mid-way lies between the old place and the new. Two measurements a frame
    /// apart that agree mean it has settled.
    /// </summary>
    public static async Task<LocatorBoundingBoxResult> SettledBoxAsync(ILocator element)
    {
        var deadline = DateTime.UtcNow + BrowserPortal.Patience;
        var last = await BoxAsync(element);
        while (true)
        {
            await Task.Delay(150);
            var box = await BoxAsync(element);
            if (box.X == last.X && box.Y == last.Y && box.Width == last.Width && box.Height == last.Height)
                return box;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{element} kept moving for {BrowserPortal.Patience}.");
            last = box;
        }
    }

    /// <summary>
    /// Follows a link and waits until the address matches <paramref name="urlGlob"/>. Under load, a click that lands while
    /// the page is still being patched (the circuit replacing the prerendered markup) can reach an element that is about
    /// to go, and nothing navigates; so the link is clicked again, every few seconds, until the address changes, within the
    /// journeys' patience. A second click on a link that already navigates only navigates again.
    /// </summary>
    public static async Task FollowAsync(IPage page, ILocator link, string urlGlob)
    {
        var deadline = DateTime.UtcNow + BrowserPortal.Patience;
        while (true)
        {
            await link.ClickAsync();
            try
            {
                await page.WaitForURLAsync(urlGlob, new PageWaitForURLOptions { Timeout = 5_000, WaitUntil = WaitUntilState.Commit });
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>
    /// Fills a field and makes sure the value stayed: a page reached by enhanced navigation may still be patched (streamed
    /// rendering, the layout's circuit starting) after its form is there, and a patch puts back the empty field the server
    /// rendered. Fills again until the value holds for a moment, within the journeys' patience.
    /// </summary>
    public static Task FillAndKeepAsync(IPage page, string selector, string value) => FillAndKeepAsync(page.Locator(selector), value);

    /// <inheritdoc cref="FillAndKeepAsync(IPage, string, string)"/>
    public static async Task FillAndKeepAsync(ILocator field, string value)
    {
        var deadline = DateTime.UtcNow + BrowserPortal.Patience;
        while (true)
        {
            await field.FillAsync(value);
            await Task.Delay(300);
            if (await field.InputValueAsync() == value)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{field} kept losing its value for {BrowserPortal.Patience}.");
        }
    }
}
