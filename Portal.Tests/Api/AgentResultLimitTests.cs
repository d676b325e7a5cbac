using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Issue 16: agent results had no size limit (a 5 MB compile log was stored and served).</summary>
public sealed class AgentResultLimitTests(AgentResultLimitTests.Queue portal) : IClassFixture<AgentResultLimitTests.Queue>
{
    public sealed class Queue : PortalFactory
    {
        public Guid H200 { get; private set; }
        public string Token { get; private set; } = "";

        protected override async Task StartedAsync()
        {
            // The vendor's own agent: a SKU's patterns map only devices of its vendor's (or the consortium's) agents.
            var nvidia = await AddOrganizationAsync("NVIDIA Limits", OrganizationKind.ChipDesigner, "US");
            H200 = await this.AddSkuAsync(nvidia, "H200 SXM", SkuCategory.Gpu, s => s.DeviceNamePatterns = ["H200"]);
            Token = await this.CreateRegistrationTokenAsync(nvidia);
        }
    }

    private async Task<(HttpClient Agent, JobLease Lease)> LeasedJobAsync()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.Token, devices: AgentFixtures.Gpu("cuda:0"));
        var test = await portal.AddVectorAddTestAsync("cuda-c");
        await portal.SubmitAsync(test, $"sku:{portal.H200}");
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["cuda:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        return (agent, lease);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body, KernelResultJson.Options), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_body_past_the_cap_is_answered_413_whether_or_not_it_announces_its_length()
    {
        var (agent, lease) = await LeasedJobAsync();
        var huge = new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.CompileError, "error", new string('x', 5_000_000)));
        var url = $"/api/v1/agent/jobs/{lease.JobId}/complete";

        using var announced = await agent.PostAsync(url, Json(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announced.StatusCode);
        Assert.Equal("application/problem+json", announced.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ResultLimits.MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), await announced.Content.ReadAsStringAsync());

        // Chunked: no Content-Length, so only counting what arrives can tell.
        var stream = new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(huge, KernelResultJson.Options))));
        stream.Headers.ContentType = new("application/json");
        using var chunked = await agent.PostAsync(url, stream);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);

        var job = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == lease.JobId));
        Assert.Null(job.Result);
    }

    [Fact]
    public async Task Text_past_its_cap_is_stored_cut_with_a_marker_and_the_verdict_kept()
    {
        var (agent, lease) = await LeasedJobAsync();
        var log = new string('L', 200_000);
        var message = new string('M', 10_000);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete",
                new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.CompileError, message, log)))
            .ExpectAsync(HttpStatusCode.OK);

        var job = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == lease.JobId));
        var stored = job.Result!;
        Assert.Equal("compile_error", job.Verdict);
        Assert.StartsWith(new string('L', ResultLimits.MaxCompileLogChars), stored.CompileLog);
        Assert.EndsWith($"[… truncated: {200_000 - ResultLimits.MaxCompileLogChars} more characters]", stored.CompileLog);
        Assert.True(stored.Message.Length < ResultLimits.MaxMessageChars + 60);
    }

    [Fact]
    public async Task More_cases_than_any_spec_allows_are_refused_naming_the_field()
    {
        var (agent, lease) = await LeasedJobAsync();
        var cases = Enumerable.Range(0, ResultLimits.MaxCases + 1)
            .Select(i => new CaseResult(new Dictionary<string, double> { ["n"] = i }, KernelStatus.Passed, 1, 0, 0, 0, null)).ToList();
        var problem = await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete",
                new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.Passed, "ok", Cases: cases)))
            .ExpectValidationProblemAsync();
        Assert.Equal(["result.cases"], problem.Errors.Keys);
    }

    [Fact]
    public void The_agent_bounds_a_result_before_sending_it()
    {
        var result = new KernelResult(KernelStatus.CompileError, "bad\u0000line", "\u001b[31merror\u001b[0m\n" + new string('x', 100_000),
            new DeviceInfo("cuda:0", new string('n', 1000), "NVIDIA", "cuda", "580"));
        var bounded = result.Bounded();

        Assert.Equal("bad\uFFFDline", bounded.Message);
        Assert.StartsWith("\uFFFD[31merror\uFFFD[0m\n", bounded.CompileLog);
        Assert.Contains("[… truncated:", bounded.CompileLog);
        Assert.StartsWith(new string('n', ResultLimits.MaxNameChars), bounded.Device!.Name);
        Assert.Equal(result with { Message = "", CompileLog = null, Device = null }, bounded with { Message = "", CompileLog = null, Device = null });
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
