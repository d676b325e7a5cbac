using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Issue 16: the Content-Security-Policy lets Blazor (its websocket), MudBlazor (inline styles), the CodeMirror bundle and
/// Scalar work: a person's journey through them shows no CSP violation in the browser console.
/// </summary>
public sealed class ContentSecurityPolicyJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Fact]
    public async Task Pages_the_code_editor_and_the_API_reference_run_without_a_CSP_violation()
    {
        var page = await portal.SignedInPageAsync("developer@furiosa.demo");
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"pageerror: {error}");

        await page.GotoAsync(portal.BaseUrl + "/tests/new");
        // Interactive (websocket up) and the editor bundle loaded: CodeMirror rendered the starter kernel.
        await Assertions.Expect(page.Locator("[data-testid=field-source] .cm-content")).ToContainTextAsync("__kernel void vector_add");
        await page.GetByTestId("field-name").FillAsync("CSP journey");
        await page.GotoAsync(portal.BaseUrl + "/organizations");
        await Assertions.Expect(page.Locator(".mud-table")).ToBeVisibleAsync();
        await page.GotoAsync(portal.BaseUrl + "/scalar");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                                            || m.Contains("Refused to", StringComparison.Ordinal));
    }
}
