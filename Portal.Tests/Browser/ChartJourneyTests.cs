using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Contracts;
using Portal.Data.Compatibility;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>
/// Issue 15's pictures: with the demo data and one measured result on a demo SKU, each chart is drawn by plotly.js served
/// from the portal itself (its svg is there), in English and in Korean, and the Content-Security-Policy refuses nothing.
/// </summary>
public sealed class ChartJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private sealed record Seeded(Guid Sku, Guid Run);

    private static readonly ConditionalWeakTable<BrowserPortal, Task<Seeded>> Seeds = [];

    /// <summary>What an agent on an H100 would have left: a timed vector_add and matmul, both passed.</summary>
    private static async Task<Seeded> SeedAsync(BrowserPortal portal)
    {
        var h100 = await portal.WithDbAsync(db => db.HardwareSkus.Where(s => s.Name == "H100 SXM").Select(s => new { s.Id, s.VendorId }).SingleAsync());
        var (sku, vendor) = (h100.Id, h100.VendorId);
        var agent = await portal.AddAgentAsync(vendor, "chart journey agent");
        var device = await portal.AddDeviceAsync(agent, "NVIDIA H100 80GB HBM3", sku, "cuda-c");
        var vectorAdd = await portal.AddTestAsync("Chart journey vector add", null, TestVisibility.Consortium, "cuda-c", "vector_add");
        var matmul = await portal.AddTestAsync("Chart journey matmul", null, TestVisibility.Consortium, "cuda-c", "matmul");
        var now = portal.Time.GetUtcNow();
        var jobs = await portal.AddRunAsync(vectorAdd, null, (device, null));
        await portal.CompleteTimedAsync(jobs[0], sku, device, KernelStatus.Passed, now, "580.65", 2900, 240, spread: (0.9, 1.1, 1.3, 2.0));
        var run = await portal.WithDbAsync(db => db.Jobs.Where(j => j.Id == jobs[0]).Select(j => j.RunId).SingleAsync());
        var matmulJobs = await portal.AddRunAsync(matmul, null, (device, null));
        await portal.CompleteTimedAsync(matmulJobs[0], sku, device, KernelStatus.Passed, now, "580.65", 800, 450_000, spread: (3, 3.2, 3.5, 4));
        return new Seeded(sku, run);
    }

    [Theory]
    [InlineData("en-US", "Timing spread per job", "Korea")]
    [InlineData("ko-KR", "작업별 실행 시간 분포", "대한민국")]
    public async Task Every_chart_renders_from_the_portals_own_plotly_in_both_languages_without_a_CSP_violation(string locale, string timingTitle, string korea)
    {
        var seeded = await Seeds.GetValue(portal, SeedAsync);
        var page = await portal.SignedInPageAsync("admin@consortium.demo", locale);
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"pageerror: {error}");
        var scripts = new List<string>();
        page.Request += (_, request) => scripts.Add(request.Url);

        await page.GotoAsync($"{portal.BaseUrl}/skus/{seeded.Sku}");
        foreach (var chart in new[] { "chart-measured-bandwidth", "chart-measured-compute", "chart-roofline", "chart-drivers" })
            await Assertions.Expect(page.GetByTestId(chart).Locator(".main-svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-roofline")).ToContainTextAsync("matmul");

        await page.GotoAsync($"{portal.BaseUrl}/runs/{seeded.Run}");
        await Assertions.Expect(page.GetByTestId("chart-timing").Locator(".main-svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-timing")).ToContainTextAsync(timingTitle);

        await page.GotoAsync($"{portal.BaseUrl}/deployments");
        foreach (var chart in new[] { "chart-timeline", "chart-power-projects", "chart-accelerators-projects", "chart-domestic" })
            await Assertions.Expect(page.GetByTestId(chart).Locator(".main-svg").First).ToBeVisibleAsync();
        // Country names, in the reader's language, on the domestic-share axis.
        await Assertions.Expect(page.GetByTestId("chart-domestic").Locator(".ytick").Filter(new() { HasText = korea })).ToHaveCountAsync(1);

        await page.GotoAsync($"{portal.BaseUrl}/matrix");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("matrix-view-heatmap").ClickAsync();
        await Assertions.Expect(page.GetByTestId("chart-heatmap").Locator(".main-svg").First).ToBeVisibleAsync();
        Assert.Contains("view=heatmap", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("chart-heatmap")).ToContainTextAsync("H100 SXM");

        Assert.Contains(scripts, url => url.StartsWith(portal.BaseUrl + "/_content/Plotly.Blazor/plotly-", StringComparison.Ordinal));
        Assert.All(scripts, url => Assert.StartsWith(portal.BaseUrl, url, StringComparison.Ordinal));
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                                            || m.Contains("Refused to", StringComparison.Ordinal) || m.StartsWith("pageerror", StringComparison.Ordinal));
    }
}
