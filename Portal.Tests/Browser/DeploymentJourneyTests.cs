using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>What a ministry officer does with a deployment in a browser, checked by what they see.</summary>
public sealed class DeploymentJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private const string Officer = "officer@msit.demo";

    /// <summary>A deployment of the demo ministry with no hardware yet, and a Korean NPU to add to it.</summary>
    private async Task<(Guid Deployment, string Sku)> ArrangeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (ministry, vendor) = await portal.WithDbAsync(async db => (
            await db.Organizations.Where(o => o.Name == "Ministry of Science and ICT").Select(o => o.Id).SingleAsync(),
            await db.Organizations.Where(o => o.Name == "FuriosaAI").Select(o => o.Id).SingleAsync()));
        var sku = "RNGD-" + suffix;
        await portal.AddSkuAsync(vendor, sku, SkuCategory.Npu, s => s.Bf16Tflops = 256);
        var deployment = await portal.AddDeploymentAsync("Journey campus " + suffix, "KR", ministry, plannedMw: 20, site: "Haenam", at: (34.7, 126.45));
        return (deployment, sku);
    }

    private Task<IPage> SignInAsync(string? locale = null) => portal.SignedInPageAsync(Officer, locale);

    [Fact]
    public async Task A_ministry_officer_adds_a_hardware_line_and_a_milestone_and_sees_the_figures_change()
    {
        var (deployment, sku) = await ArrangeAsync();
        var page = await SignInAsync();
        var due = DateOnly.FromDateTime(portal.Time.GetUtcNow().UtcDateTime).AddDays(45);

        await page.GotoAsync($"{portal.BaseUrl}/deployments/{deployment}");
        await WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("figure-planned-accelerators")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("figure-next")).ToHaveTextAsync("—");

        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Hardware") }).ClickAsync();
        await page.GetByTestId("add-line").ClickAsync();
        await page.GetByTestId("line-sku").FillAsync(sku);
        await page.GetByTestId("sku-choice").Filter(new() { HasText = sku }).ClickAsync();
        // Under load a late render of the dialog can put back a field's old value: fill until each holds.
        await FillAndKeepAsync(page.GetByTestId("line-planned"), "1000");
        await FillAndKeepAsync(page.GetByTestId("line-installed"), "250");
        await page.GetByTestId("line-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("figure-planned-accelerators")).ToHaveTextAsync("1,000");
        await Assertions.Expect(page.GetByTestId("figure-installed-accelerators")).ToContainTextAsync("250");
        await Assertions.Expect(page.GetByTestId("figure-peak")).ToHaveTextAsync("256.0");
        await Assertions.Expect(page.GetByTestId("figure-power")).ToHaveTextAsync("20.00");
        await Assertions.Expect(page.GetByTestId("figure-domestic")).ToHaveTextAsync("100%");
        await Assertions.Expect(page.GetByTestId("hardware-line")).ToContainTextAsync(sku);

        await page.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Milestones") }).ClickAsync();
        await page.GetByTestId("add-milestone").ClickAsync();
        await page.GetByTestId("milestone-date").FillAsync(due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.GetByTestId("milestone-title").FillAsync("Grid connection");
        await page.GetByTestId("milestone-title").PressAsync("Tab");
        await page.GetByTestId("milestone-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("figure-next")).ToHaveTextAsync(due.ToString("d", new CultureInfo("en")));
        await Assertions.Expect(page.GetByTestId("deployment-figures")).ToContainTextAsync("Grid connection");
        await Assertions.Expect(page.GetByTestId("milestone")).ToContainTextAsync("Grid connection");
    }

    [Fact]
    public async Task With_a_korean_browser_the_deployment_page_is_in_korean()
    {
        var (deployment, _) = await ArrangeAsync();
        var page = await SignInAsync("ko-KR");

        await page.GotoAsync($"{portal.BaseUrl}/deployments/{deployment}");

        await Assertions.Expect(page.GetByTestId("deployment-figures")).ToContainTextAsync("계획 가속기 수");
        await Assertions.Expect(page.GetByTestId("deployment-figures")).ToContainTextAsync("국산 반도체 비중");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "개요" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("deployment-status")).ToHaveTextAsync("계획");
        await Assertions.Expect(page.GetByTestId("deployment-facts")).ToContainTextAsync("주관 부처");

        await page.GotoAsync($"{portal.BaseUrl}/deployments");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "소버린 AI 구축 사업" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("deployment-map")).ToContainTextAsync("부지 지도");
    }
}
