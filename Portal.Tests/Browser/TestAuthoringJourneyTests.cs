using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>
/// A kernel developer writes a test in the editor, validates and saves it, runs it on a partner's device and watches
/// the run page follow the job as an agent (this test, over HTTP) leases and completes it.
/// </summary>
public sealed class TestAuthoringJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    private const string Developer = "developer@furiosa.demo";

    [Fact]
    public async Task A_developer_writes_validates_saves_and_runs_a_test_and_sees_the_verdict_arrive_without_reloading()
    {
        var furiosa = await portal.WithDbAsync(db => db.Organizations.Where(o => o.Name == "FuriosaAI").Select(o => o.Id).SingleAsync());
        var (agent, _) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(furiosa), "journey agent",
            devices: AgentFixtures.PoclCpu);
        var name = $"Journey add {Guid.NewGuid():N}"[..24];
        var marker = $"journey-{Guid.NewGuid():N}"[..16];

        var page = await portal.SignedInPageAsync(Developer);
        await page.GotoAsync(portal.BaseUrl + "/tests/new");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("field-name").FillAsync(name);

        // The editor is CodeMirror: type into it as a person would, at the top of the starter kernel.
        var editor = page.Locator("[data-testid=field-source] .cm-content");
        await Assertions.Expect(editor).ToContainTextAsync("__kernel void vector_add");
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+Home");
        await page.Keyboard.TypeAsync($"// {marker}: written in the portal");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(editor).ToContainTextAsync(marker);

        await page.GetByTestId("validate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("validation-ok")).ToBeVisibleAsync();
        await page.GetByTestId("save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("test-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("[data-testid=test-source] .cm-content")).ToContainTextAsync(marker);
        await Assertions.Expect(page.GetByTestId("runs-empty")).ToBeVisibleAsync();

        await page.GetByTestId("run-on").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("(1 now)");
        await page.GetByTestId("run-submit").ClickAsync();
        // The dialog navigates in the circuit (no page load to wait for): watch the address itself, with room for a slow submit.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/runs/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        await WaitForInteractivityAsync(page);
        await Assertions.Expect(page.GetByTestId("job-verdict")).ToHaveAttributeAsync("data-verdict", "");
        await Assertions.Expect(page.GetByTestId("step-queued")).ToHaveAttributeAsync("data-state", "current");

        // The agent leases the job: the kernel it receives is the one typed in the browser.
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([AgentFixtures.PoclCpu.Id], 5))
            .ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Contains(marker, lease.Spec.GetProperty("source").GetString());
        await Assertions.Expect(page.GetByTestId("step-leased")).ToHaveAttributeAsync("data-state", "current");

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        await Assertions.Expect(page.GetByTestId("step-running")).ToHaveAttributeAsync("data-state", "current");

        var result = new KernelResult(KernelStatus.Passed, "all 5 cases match",
            Device: new DeviceInfo(AgentFixtures.PoclCpu.Id, AgentFixtures.PoclCpu.Name, AgentFixtures.PoclCpu.Vendor, "OpenCL 3.0 PoCL", "6.0"),
            Cases: [new CaseResult(new Dictionary<string, double> { ["n"] = 1000 }, KernelStatus.Passed, 1000, 0, 0, 0, null)],
            Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 4194304 }, 20, 1.5, 1.4, 1.7, 1.55, 0.05, 1.9, 33.5, 2.8));
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, result)).ExpectAsync(HttpStatusCode.OK);

        // No reload: the page hears of the completion and shows the verdict and the result.
        await Assertions.Expect(page.GetByTestId("run-verdict")).ToHaveAttributeAsync("data-verdict", "passed");
        await Assertions.Expect(page.GetByTestId("run-verdict")).ToHaveTextAsync("passed");
        await Assertions.Expect(page.GetByTestId("job-message")).ToHaveTextAsync("all 5 cases match");
        await Assertions.Expect(page.GetByTestId("job-gbps")).ToHaveTextAsync("33.5");
        await Assertions.Expect(page.GetByTestId("job-provenance")).ToContainTextAsync("journey agent");

        // The matrix's CSV export answers the signed-in browser (its cookie), not only API tokens.
        var export = await page.Context.APIRequest.GetAsync(portal.BaseUrl + "/export/matrix.csv?language=opencl-c");
        Assert.Equal(200, export.Status);
        Assert.Contains("test_id,test,op,language", await export.TextAsync());
    }
}
