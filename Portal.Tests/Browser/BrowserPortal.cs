using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Browser;

/// <summary>
/// The demo portal on a real Kestrel port, and Debian's Chromium driven by Playwright. Playwright never
/// downloads a browser here: it launches /usr/bin/chromium (or PORTAL_CHROMIUM).
/// </summary>
public sealed class BrowserPortal : DemoPortalFactory
{
    private IPlaywright? _playwright;

    public BrowserPortal() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Outside Development the framework's and MudBlazor's assets are only served from a publish folder.
        builder.UseStaticWebAssets();
    }

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    protected override async Task StartedAsync()
    {
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        BaseUrl = addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        // Playwright's Expect waits 5 s by default, whatever the page's own timeout says: on a loaded 2-core
        // machine a save's round trip over the circuit, plus the page's reload, took longer, and an assertion
        // gave up on a figure that was about to change. Every Expect waits as a person would.
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // The machine has no network: keep Chromium from trying to reach its own services.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>How long a journey waits for what a person would wait for.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A fresh browser context at laptop size (and, when given, a browser language), signed in as a demo account.</summary>
    public async Task<IPage> SignedInPageAsync(string email, string? locale = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = locale,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        await page.GotoAsync(BaseUrl + "/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", DemoPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
