using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Jobs;
using Portal.Components.Pages.Runs;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels.Comparison;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The run page against a real database: it follows a job through the queue as PostgreSQL notifies changes, without reloading.</summary>
public sealed class RunPageTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly KernelResult Failed = new(KernelStatus.Failed, "case n=1000: 1 mismatch",
        Cases: [new CaseResult(new Dictionary<string, double> { ["n"] = 1000 }, KernelStatus.Failed, 1000, 1, 0.73, 1.0, new Mismatch("z", 999, 0.73, 0), "large")],
        Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, 0.5, 0.4, 0.6, 0.5, 0.01, 0.7, 2400, 1.2));

    [Fact]
    public async Task The_page_follows_a_job_from_queued_to_its_verdict_as_the_queue_notifies_each_change()
    {
        var partner = await AddOrganizationAsync("Samsung Electronics");
        var user = await SignInAsync(partner);
        var sku = await AddSkuAsync(partner, "Mach-1", bandwidthTbs: 3.0);
        var (agent, device) = await AddAgentAsync(partner, "Mach-1 rev A", sku);
        var test = await AddTestAsync("vector_add on Mach", partner);
        var (run, job) = await AddRunAsync(test, device, user);
        var signals = await StartSignalsAsync();
        var events = Services.GetRequiredService<RunEventBatch>();

        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));
        page.WaitForAssertion(() => Assert.Equal("current", Step(page, "queued")), Wait);
        Assert.Equal("", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict"));
        Assert.Contains("Mach-1 rev A", page.Find("[data-testid=job-device]").TextContent);

        // An agent leases the job: the row moves on as soon as the notification arrives.
        await UpdateJobAsync(job, j => (j.Status, j.Attempts, j.AgentId, j.DeviceId) = (JobStatus.Leased, 1, agent, device));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("current", Step(page, "leased")), Wait);
        Assert.Equal("done", Step(page, "queued"));
        Assert.Contains("1", page.Find("[data-testid=job-attempts]").TextContent);

        await UpdateJobAsync(job, j => j.Status = JobStatus.Running);
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("current", Step(page, "running")), Wait);

        await UpdateJobAsync(job, j => Complete(j, Failed, sku, agent, partner, device));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict")), Wait);
        Assert.Equal("failed", page.Find("[data-testid=job-verdict]").GetAttribute("data-verdict"));
        Assert.Empty(page.FindAll("[data-testid=job-cancel]"));

        // The only job is final, so its result is open: the wrong element, the timing and the share of the SKU's 3 TB/s.
        Assert.Contains("z[999]", page.Find("[data-testid=first-mismatch]").TextContent);
        Assert.Equal("large", page.Find("[data-testid=case-distribution]").TextContent); // the case's input distribution
        Assert.Equal("80.0%", page.Find("[data-testid=job-bandwidth-share]").TextContent.Trim().Replace(" ", ""));
        Assert.Contains("Partner-reported", page.Find("[data-testid=job-verified]").TextContent);
        Assert.Contains("bench-01", page.Find("[data-testid=job-provenance]").TextContent);
        GC.KeepAlive(signals);
    }

    [Fact]
    public async Task A_running_job_shows_the_case_its_agent_is_at_live_and_its_failure_names_the_pattern_and_the_inputs()
    {
        var partner = await AddOrganizationAsync("Progress Labs");
        var user = await SignInAsync(partner);
        var (agent, device) = await AddAgentAsync(partner, "Progress-1", null);
        var (run, job) = await AddRunAsync(await AddTestAsync("vector_add with progress", partner), device, user);
        var signals = await StartSignalsAsync();
        var events = Services.GetRequiredService<RunEventBatch>();
        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));
        page.WaitForAssertion(() => Assert.Equal("current", Step(page, "queued")), Wait);
        Assert.Empty(page.FindAll("[data-testid=job-progress]"));

        await UpdateJobAsync(job, j => (j.Status, j.Attempts, j.AgentId, j.DeviceId, j.Progress) =
            (JobStatus.Running, 1, agent, device, new JobProgress(3, 5, JobProgress.Checking)));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("Case 3 of 5, checking", page.Find("[data-testid=job-progress]").TextContent.Trim()), Wait);

        await UpdateJobAsync(job, j => j.Progress = new JobProgress(5, 5, JobProgress.Timing));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("Case 5 of 5, timing", page.Find("[data-testid=job-progress]").TextContent.Trim()), Wait);

        var tail = Failed with
        {
            Cases = [Failed.Cases![0] with
            {
                FirstMismatch = new Mismatch("z", 997, 0.73, 0, new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.23 }),
                Pattern = new MismatchPattern(MismatchPatterns.TailNotWritten, new Dictionary<string, double> { ["from"] = 997, ["count"] = 3 }),
            }],
        };
        await UpdateJobAsync(job, j => Complete(j, tail, null, agent, partner, device));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict")), Wait);
        Assert.Empty(page.FindAll("[data-testid=job-progress]")); // only while it runs
        var pattern = page.Find("[data-testid=mismatch-pattern]");
        Assert.Equal(MismatchPatterns.TailNotWritten, pattern.GetAttribute("data-pattern"));
        Assert.Contains("The tail is not written: the last 3 elements, from index 997", pattern.TextContent);
        Assert.Contains("x = 0.5, y = 0.23", page.Find("[data-testid=mismatch-inputs]").TextContent);
        GC.KeepAlive(signals);
    }

    [Fact]
    public void A_list_tells_a_wrong_answer_from_a_compile_error_by_label_and_icon()
    {
        string Icon(string verdict) =>
            Render<Portal.Components.Runs.VerdictChip>(p => p.Add(c => c.Verdict, verdict)).Find("svg").InnerHtml;
        string Label(string verdict) =>
            Render<Portal.Components.Runs.VerdictChip>(p => p.Add(c => c.Verdict, verdict)).Find("[data-testid=verdict]").TextContent.Trim();

        Assert.NotEqual(Icon("failed"), Icon("compile_error"));
        Assert.NotEqual(Label("failed"), Label("compile_error"));
        Assert.NotEqual(Icon("failed"), Icon("passed"));
        // The conformance lists' chip shows the same icons.
        Assert.Equal(Icon("compile_error"),
            Render<Portal.Components.Conformance.VerdictChip>(p => p.Add(c => c.Verdict, "compile_error")).Find("svg").InnerHtml);
    }

    [Fact]
    public async Task A_korean_page_stays_korean_in_words_and_dates_when_a_signal_from_another_thread_renders_it()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        var (english, korean) = (new CultureInfo("en-US"), new CultureInfo("ko-KR"));
        try
        {
            // The portal's host starts the signals in the process's culture, English here, long before anyone opens a page.
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = english;
            var partner = await AddOrganizationAsync("Korean Labs");
            var user = await SignInAsync(partner);
            var (agent, device) = await AddAgentAsync(partner, "Korean-1", null);
            var (run, job) = await AddRunAsync(await AddTestAsync("vector_add in Korean", partner), device, user);
            var created = await InDbAsync(async db => (await db.TestRuns.FindAsync(run))!.CreatedAt);
            var signals = await StartSignalsAsync();
            var events = Services.GetRequiredService<RunEventBatch>();

            // A Korean person's circuit renders the page.
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = korean;
            var page = Render<RunDetail>(p => p.Add(r => r.Id, run));
            page.WaitForAssertion(() => Assert.Equal("current", Step(page, "queued")), Wait);
            Assert.StartsWith("대기 · 작업 1개", page.Find("[data-testid=run-summary]").TextContent.Trim());

            // The verdict arrives through PostgreSQL, on the listening thread, which runs in English.
            await UpdateJobAsync(job, j => Complete(j, Failed, null, agent, partner, device));
            await Task.Run(() =>
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = english;
                events.Add(run);
            });

            page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict")), Wait);
            Assert.Equal("실패", page.Find("[data-testid=run-verdict]").TextContent.Trim());
            var summary = page.Find("[data-testid=run-summary]").TextContent.Trim();
            Assert.StartsWith($"완료 · 작업 1개 · 제출 {created.ToLocalTime().ToString("g", korean)}", summary);
            Assert.Contains("실패: 1", summary);
            GC.KeepAlive(signals);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task A_suspect_timing_shows_a_suspect_chip_and_the_reason_beside_the_timing()
    {
        var partner = await AddOrganizationAsync("Suspect Labs");
        var user = await SignInAsync(partner);
        var sku = await AddSkuAsync(partner, "Fast-1", bandwidthTbs: 2.0);
        var (agent, device) = await AddAgentAsync(partner, "Fast-1 rev A", sku);
        var (run, job) = await AddRunAsync(await AddTestAsync("vector_add on Fast", partner), device, user);
        var passed = new KernelResult(KernelStatus.Passed, "all cases passed",
            Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, 0.5, 0.4, 0.6, 0.5, 0.01, 0.7, 2400, 1.2));
        await UpdateJobAsync(job, j =>
        {
            Complete(j, passed, sku, agent, partner, device);
            (j.TimingSuspect, j.SuspectFigure, j.SuspectLimit, j.SuspectLimitSource) = (true, TimingFigure.GbPerSecond, 2000, TimingLimitSource.Datasheet);
        });

        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=job-suspect]")), Wait);
        var suspect = page.Find("[data-testid=job-suspect]");
        Assert.Contains("suspect", page.Find("[data-testid=timing-suspect]").TextContent);
        Assert.Contains("2,400 GB/s", suspect.TextContent);
        Assert.Contains("2,000 GB/s", suspect.TextContent);
        Assert.Contains("Fast-1", suspect.TextContent);
        // The verdict stands.
        Assert.Equal("passed", page.Find("[data-testid=job-verdict]").GetAttribute("data-verdict"));
    }

    [Fact]
    public async Task The_result_shows_the_dtype_of_each_buffer_and_of_the_timing()
    {
        var partner = await AddOrganizationAsync("Dtype Labs");
        var user = await SignInAsync(partner);
        var (agent, device) = await AddAgentAsync(partner, "Dtype-1", null);
        var (run, job) = await AddRunAsync(await AddTestAsync("matmul bf16", partner, op: "matmul"), device, user);
        var passed = new KernelResult(KernelStatus.Passed, "all cases passed",
            Timing: new TimingResult(new Dictionary<string, double> { ["m"] = 512 }, 20, 0.5, 0.4, 0.6, 0.5, 0.01, 0.7, 8, 536.9, "bf16"),
            BufferDtypes: new Dictionary<string, string> { ["a"] = "bf16", ["b"] = "bf16", ["c"] = "f32" });
        await UpdateJobAsync(job, j => Complete(j, passed, null, agent, partner, device));

        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=job-buffers]")), Wait);
        Assert.Equal(["a bf16", "b bf16", "c f32"], page.FindAll("[data-testid=job-buffer]").Select(b => b.TextContent.Trim()));
        Assert.Equal("bf16", page.Find("[data-testid=job-timing-dtype]").TextContent.Trim());
    }

    [Fact]
    public async Task The_requester_cancels_a_waiting_job_from_the_page()
    {
        var partner = await AddOrganizationAsync("FuriosaAI");
        var user = await SignInAsync(partner);
        var (_, device) = await AddAgentAsync(partner, "RNGD", null);
        var test = await AddTestAsync("vector_add on RNGD", partner);
        var (run, job) = await AddRunAsync(test, device, user);
        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=job-cancel]")), Wait);

        page.Find("[data-testid=job-cancel]").Click();

        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict")), Wait);
        Assert.Equal(JobStatus.Cancelled, await InDbAsync(async db => (await db.Jobs.FindAsync(job))!.Status));
    }

    [Fact]
    public async Task A_job_no_agent_can_take_says_why_it_waits_and_then_why_it_was_given_up()
    {
        var partner = await AddOrganizationAsync("Rebellions");
        var user = await SignInAsync(partner);
        var (_, device) = await AddAgentAsync(partner, "ATOM", null);
        var test = await AddTestAsync("vector_add on ATOM", partner);
        var (run, job) = await AddRunAsync(test, device, user);
        // The device went away: its host no longer reports it.
        await InDbAsync(db => db.AgentDevices.Where(d => d.Id == device).ExecuteUpdateAsync(u => u.SetProperty(d => d.Present, false)));
        var signals = await StartSignalsAsync();
        var events = Services.GetRequiredService<RunEventBatch>();

        var page = Render<RunDetail>(p => p.Add(r => r.Id, run));
        page.WaitForAssertion(() => Assert.Contains("no online device of this target accepts opencl-c", page.Find("[data-testid=job-waiting]").TextContent), Wait);

        await UpdateJobAsync(job, j => (j.Status, j.FailureReason, j.FinishedAt) = (JobStatus.Expired, "No agent took this job within 24 h", DateTimeOffset.UtcNow));
        events.Add(run);
        page.WaitForAssertion(() => Assert.Equal("expired", page.Find("[data-testid=run-verdict]").GetAttribute("data-verdict")), Wait);
        Assert.Empty(page.FindAll("[data-testid=job-waiting]"));
        Assert.Contains("No agent took this job within 24 h", page.Find("[data-testid=job-failure]").TextContent);
        GC.KeepAlive(signals);
    }

    private static string? Step(IRenderedComponent<RunDetail> page, string step) =>
        page.Find($"[data-testid=step-{step}]").GetAttribute("data-state");
}
