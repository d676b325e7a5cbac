using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>
/// On a laptop screen (BrowserPortal's 1366×768), a developer saves an op the catalog lacks, reads it back with its
/// buffers, and starts a test against it: the editor shows the buffers' kernel types and a labelled starter kernel.
/// </summary>
public sealed class OpDefinitionJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private const string Developer = "developer@furiosa.demo";

    [Fact]
    public async Task A_developer_saves_an_op_definition_reads_it_and_starts_a_test_against_it()
    {
        var name = $"Journey op {Guid.NewGuid():N}"[..22];
        var page = await portal.SignedInPageAsync(Developer);
        await page.GotoAsync(portal.BaseUrl + "/ops/new");
        await WaitForInteractivityAsync(page);

        // The form starts from DESIGN.md's example definition.
        await page.GetByTestId("op-field-name").FillAsync(name);
        await page.GetByTestId("op-save").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ops/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("op-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("op-buffer-row")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("op-buffer-row").First).ToContainTextAsync("f32");
        await Assertions.Expect(page.GetByTestId("op-tests-empty")).ToBeVisibleAsync();

        await page.GetByTestId("op-new-test").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/tests/new\\?opVersion="));
        await WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("saved-op-link")).ToContainTextAsync(name);
        await Assertions.Expect(page.GetByTestId("signature-type")).ToHaveTextAsync(["__global const float*", "__global float*", "const int", "const float"]);
        await Assertions.Expect(page.GetByTestId("starter-label")).ToBeVisibleAsync();
        // The first editor on a page imports CodeMirror's bundle: on a loaded machine that alone has taken longer than the
        // journeys' usual patience.
        await Assertions.Expect(page.Locator("[data-testid=field-source] .cm-content")).ToContainTextAsync("STARTER: write the body here",
            new() { Timeout = 60_000 });
    }
}
