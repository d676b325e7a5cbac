using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>
/// A Korean developer opens a run and watches it to its verdict while an agent (this test, over HTTP) leases and completes
/// the job: every live update arrives from the job signals' thread, and the page stays Korean, in words and in dates.
/// </summary>
public sealed class KoreanRunJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Fact]
    public async Task A_korean_developer_watches_a_run_to_its_verdict_and_the_page_stays_korean()
    {
        var furiosa = await portal.WithDbAsync(db => db.Organizations.Where(o => o.Name == "FuriosaAI").Select(o => o.Id).SingleAsync());
        var (agent, registered) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(furiosa), "korean journey agent",
            devices: AgentFixtures.PoclCpu);
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var test = await portal.AddVectorAddTestAsync(organizationId: furiosa);
        var run = await portal.SubmitAsync(test, $"device:{device}");
        var created = await portal.WithDbAsync(db => db.TestRuns.Where(r => r.Id == run).Select(r => r.CreatedAt).SingleAsync());
        // The page writes the submission time as the circuit's culture does; Korean: "2026. 12. 5. 오후 11:40".
        var submitted = created.ToLocalTime().ToString("g", new CultureInfo("ko-KR"));

        var page = await portal.SignedInPageAsync("developer@furiosa.demo", "ko-KR");
        await page.GotoAsync($"{portal.BaseUrl}/runs/{run}");
        await WaitForInteractivityAsync(page);
        var summary = page.GetByTestId("run-summary");
        await Assertions.Expect(summary).ToContainTextAsync($"대기 · 작업 1개 · 제출 {submitted}");

        // The first live update: the agent leases the job.
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([AgentFixtures.PoclCpu.Id], 5))
            .ExpectAsync<JobLease>(HttpStatusCode.OK);
        await Assertions.Expect(page.GetByTestId("step-leased")).ToHaveAttributeAsync("data-state", "current");
        await Assertions.Expect(summary).ToContainTextAsync($"작업 1개 · 제출 {submitted}");
        await Assertions.Expect(page.GetByTestId("job-attempts")).ToContainTextAsync("1");

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        await Assertions.Expect(page.GetByTestId("step-running")).ToHaveAttributeAsync("data-state", "current");

        var result = new KernelResult(KernelStatus.Failed, "case n=1000: 1 mismatch",
            Device: new DeviceInfo(AgentFixtures.PoclCpu.Id, AgentFixtures.PoclCpu.Name, AgentFixtures.PoclCpu.Vendor, "OpenCL 3.0 PoCL", "6.0"),
            Cases: [new CaseResult(new Dictionary<string, double> { ["n"] = 1000 }, KernelStatus.Failed, 1000, 1, 0.73, 1.0, new Mismatch("z", 999, 0.73, 0))]);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, result)).ExpectAsync(HttpStatusCode.OK);

        // The verdict arrives without a reload, in Korean, and the date keeps its Korean form.
        await Assertions.Expect(page.GetByTestId("run-verdict")).ToHaveAttributeAsync("data-verdict", "failed");
        await Assertions.Expect(page.GetByTestId("run-verdict")).ToHaveTextAsync("실패");
        await Assertions.Expect(summary).ToContainTextAsync($"완료 · 작업 1개 · 제출 {submitted}");
        await Assertions.Expect(summary).ToContainTextAsync("실패: 1");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
    }
}
