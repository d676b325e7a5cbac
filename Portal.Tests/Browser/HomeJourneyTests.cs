using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>
/// Each demo role signs in and finds its own question answered first on the home page, in English at 1440 px and then in
/// Korean; the ministry officer also on a 390-px phone. One test per role, on one portal; each adds only its own rows.
/// </summary>
public sealed class HomeJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private async Task<IPage> SignInAsync(string email)
    {
        var page = await portal.SignedInPageAsync(email, "en-US");
        await page.SetViewportSizeAsync(1440, 900);
        return page;
    }

    private Task KoreanAsync(IPage page) => page.GotoAsync(portal.BaseUrl + "/culture?culture=ko&redirectUri=/");

    [Fact]
    public async Task A_ministry_officer_sees_their_projects_with_overdue_milestones_in_red_first_in_both_languages_and_on_a_phone()
    {
        var page = await SignInAsync("officer@msit.demo");

        var section = page.GetByTestId("home-ministry");
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Your projects" })).ToBeVisibleAsync();
        // The project section comes before the consortium view (which loads after it: wait until it is there), in the page's order.
        await Assertions.Expect(page.GetByTestId("dashboard")).ToBeVisibleAsync();
        Assert.True(await section.EvaluateAsync<bool>(
            "s => (s.compareDocumentPosition(document.querySelector('[data-testid=dashboard]')) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0"));
        var center = section.GetByTestId("project-card").Filter(new() { HasText = "National AI Computing Center" });
        // Groundbreaking was planned for 2026-09-30 and is not done: overdue, named before the milestones still ahead, in red.
        await Assertions.Expect(center.GetByTestId("signal")).ToHaveTextAsync("Needs attention");
        var milestone = center.GetByTestId("project-milestone");
        await Assertions.Expect(milestone).ToContainTextAsync("Overdue: Groundbreaking (planned Q3 2026)");
        await Assertions.Expect(milestone.Locator(".mud-error-text")).ToBeVisibleAsync();
        await Assertions.Expect(center.GetByTestId("project-coverage")).ToContainTextAsync("0 of 17,000 planned accelerators proven");
        await Assertions.Expect(center.GetByTestId("signal-reasons")).ToContainTextAsync("below 50");
        await Assertions.Expect(section.GetByTestId("project-card")).ToHaveCountAsync(3);
        await Assertions.Expect(section.GetByTestId("signal-legend")).ToContainTextAsync("Needs attention (red)");

        await KoreanAsync(page);
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "내 사업" })).ToBeVisibleAsync();
        await Assertions.Expect(center.GetByTestId("signal")).ToHaveTextAsync("조치 필요");
        await Assertions.Expect(center.GetByTestId("project-milestone")).ToContainTextAsync("기한 지남:");
        await Assertions.Expect(center.GetByTestId("project-coverage")).ToContainTextAsync("17,000대 중 0대 검증");

        // On a phone the cards stack: one column, each below the other, none wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        var cards = section.GetByTestId("project-card");
        var first = await SettledBoxAsync(cards.Nth(0));
        var second = await SettledBoxAsync(cards.Nth(1));
        Assert.Equal(first.X, second.X, 1);
        Assert.True(second.Y >= first.Y + first.Height, "The second card lies below the first.");
        Assert.True(first.X + first.Width <= 390, "A card fits the phone's width.");
    }

    [Fact]
    public async Task A_partner_sees_pass_rates_verified_and_partner_reported_apart_and_a_regression_in_both_languages()
    {
        var (mach1, vectorAdd) = await portal.WithDbAsync(async db => (
            await db.HardwareSkus.Where(s => s.Name == "Mach-1").Select(s => s.Id).SingleAsync(),
            await db.CompatibilityTests.Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Op == "vector_add" && t.Language == "opencl-c" && t.Dtype == "f32")
                .Select(t => t.Id).SingleAsync()));
        var now = portal.Time.GetUtcNow();
        await CompletedAsync(vectorAdd, mach1, KernelStatus.Passed, now - TimeSpan.FromDays(3), verified: true, driver: "1.0.4");
        await CompletedAsync(vectorAdd, mach1, KernelStatus.Failed, now - TimeSpan.FromDays(1), verified: false, driver: "2.1.0");

        var page = await SignInAsync("partner@samsung.demo");

        var section = page.GetByTestId("home-partner");
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Your SKUs" })).ToBeVisibleAsync();
        var sku = section.GetByTestId("partner-sku").Filter(new() { HasText = "Mach-1" });
        var language = sku.GetByTestId("sku-language");
        await Assertions.Expect(language).ToContainTextAsync("OpenCL C");
        await Assertions.Expect(language.GetByTestId("rate-verified")).ToContainTextAsync("Verified: 1 of");
        await Assertions.Expect(language.GetByTestId("rate-reported")).ToContainTextAsync("Partner-reported: 0 of");
        await Assertions.Expect(sku).ToContainTextAsync("Not in any deployment yet");
        var regression = section.GetByTestId("regression");
        await Assertions.Expect(regression).ToContainTextAsync("Mach-1");
        await Assertions.Expect(regression).ToContainTextAsync("Passed with driver 1.0.4");
        await Assertions.Expect(regression).ToContainTextAsync("fails with driver 2.1.0");

        await KoreanAsync(page);
        await Assertions.Expect(section.GetByTestId("regressions").GetByRole(AriaRole.Heading, new() { Name = "회귀" })).ToBeVisibleAsync();
        await Assertions.Expect(language.GetByTestId("rate-verified")).ToContainTextAsync("검증됨");
        await Assertions.Expect(language.GetByTestId("rate-reported")).ToContainTextAsync("파트너 보고");
        await Assertions.Expect(regression).ToContainTextAsync("드라이버 1.0.4에서 통과");
    }

    [Fact]
    public async Task A_developer_sees_their_failing_test_and_run_first_in_both_languages()
    {
        var (developer, furiosa, rngd) = await portal.WithDbAsync(async db => (
            await db.Users.Where(u => u.Email == "developer@furiosa.demo").Select(u => u.Id).SingleAsync(),
            await db.Organizations.Where(o => o.Name == "FuriosaAI").Select(o => o.Id).SingleAsync(),
            await db.HardwareSkus.Where(s => s.Name == "RNGD").Select(s => s.Id).SingleAsync()));
        var now = portal.Time.GetUtcNow();
        var passing = await portal.AddTestAsync("journey passing kernel", furiosa, TestVisibility.Consortium, ownerUserId: developer);
        var failing = await portal.AddTestAsync("journey failing kernel", furiosa, TestVisibility.Private, ownerUserId: developer);
        // The passing run is the newer: failures still come first.
        await portal.CompleteJobAsync((await portal.AddRunAsync(failing, developer, (null, rngd)))[0], KernelStatus.Failed, now - TimeSpan.FromHours(2), rngd);
        await portal.CompleteJobAsync((await portal.AddRunAsync(passing, developer, (null, rngd)))[0], KernelStatus.Passed, now - TimeSpan.FromHours(1), rngd);

        var page = await SignInAsync("developer@furiosa.demo");

        var section = page.GetByTestId("home-developer");
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Your tests and runs" })).ToBeVisibleAsync();
        var tests = section.GetByTestId("developer-test");
        await Assertions.Expect(tests).ToHaveCountAsync(2);
        await Assertions.Expect(tests.First).ToContainTextAsync("journey failing kernel");
        await Assertions.Expect(tests.First).ToContainTextAsync("Failed");
        await Assertions.Expect(tests.First).ToHaveAttributeAsync("data-failing", "true");
        var runs = section.GetByTestId("developer-run");
        await Assertions.Expect(runs.First).ToContainTextAsync("journey failing kernel");
        await Assertions.Expect(runs.First).ToContainTextAsync("0 passed · 1 failing · 0 waiting");
        await Assertions.Expect(runs.Nth(1)).ToContainTextAsync("journey passing kernel");

        await KoreanAsync(page);
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "내 테스트와 실행" })).ToBeVisibleAsync();
        await Assertions.Expect(tests.First).ToContainTextAsync("실패");
        await Assertions.Expect(runs.First).ToContainTextAsync("통과 0 · 실패 1 · 대기 0");
    }

    [Fact]
    public async Task A_consortium_admin_sees_what_waits_for_a_decision_and_not_a_call_to_join_in_both_languages()
    {
        var samsung = await portal.WithDbAsync(db => db.Organizations.Where(o => o.Name == "Samsung Electronics").Select(o => o.Id).SingleAsync());
        await portal.AddJoinRequestAsync(samsung, await portal.CreateUserAsync("Journey Applicant"), MemberRole.Developer);

        var page = await SignInAsync("admin@consortium.demo");

        var section = page.GetByTestId("home-admin");
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Waiting for a decision" })).ToBeVisibleAsync();
        await Assertions.Expect(section.GetByTestId("admin-join-requests")).ToContainTextAsync("Journey Applicant");
        await Assertions.Expect(section.GetByTestId("admin-mappings")).ToContainTextAsync("Device mappings to confirm");
        await Assertions.Expect(section.GetByTestId("admin-operations")).ToHaveAttributeAsync("href", "/operations");
        await Assertions.Expect(page.GetByText("You are not a member of any organisation yet")).ToHaveCountAsync(0);

        await KoreanAsync(page);
        await Assertions.Expect(section.GetByRole(AriaRole.Heading, new() { Name = "결정을 기다리는 항목" })).ToBeVisibleAsync();
        await Assertions.Expect(section.GetByTestId("admin-join-requests")).ToContainTextAsync("Journey Applicant");
        await Assertions.Expect(section.GetByTestId("admin-operations")).ToContainTextAsync("운영 화면 열기");
        await Assertions.Expect(page.GetByText("아직 소속된 조직이 없습니다.")).ToHaveCountAsync(0);
    }

    private async Task CompletedAsync(Guid test, Guid sku, KernelStatus verdict, DateTimeOffset at, bool verified, string driver)
    {
        var job = (await portal.AddRunAsync(test, null, (null, sku)))[0];
        await portal.CompleteJobAsync(job, verdict, at, sku, verified: verified);
        await portal.UpdateJobAsync(job, j => j.DriverVersion = driver);
    }
}
