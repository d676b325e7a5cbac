using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Api.Jobs;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>The agent protocol over HTTP: registration, devices, lease, extend, complete (fenced), release, cancel, and the reaper.</summary>
public sealed class AgentProtocolTests(AgentProtocolTests.Queue portal) : IClassFixture<AgentProtocolTests.Queue>
{
    public sealed class Queue : PortalFactory
    {
        public Guid Partner { get; private set; }
        public Guid Other { get; private set; }
        public Guid H200 { get; private set; }
        public string PartnerToken { get; private set; } = "";
        public string OtherToken { get; private set; } = "";
        public string ConsortiumToken { get; private set; } = "";

        protected override async Task StartedAsync()
        {
            // The partner makes the H200 here: a SKU's patterns map only its vendor's (and the consortium's) devices.
            Partner = await AddOrganizationAsync("Agent Partner", OrganizationKind.ChipDesigner, "US");
            Other = await AddOrganizationAsync("Other Partner", OrganizationKind.ChipDesigner);
            H200 = await this.AddSkuAsync(Partner, "H200 SXM", SkuCategory.Gpu, s => s.DeviceNamePatterns = ["H200"]);
            PartnerToken = await this.CreateRegistrationTokenAsync(Partner);
            OtherToken = await this.CreateRegistrationTokenAsync(Other);
            ConsortiumToken = await this.CreateRegistrationTokenAsync(await AddOrganizationAsync("Agent Consortium", OrganizationKind.Consortium));
        }
    }

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "all cases passed");

    private Task<JobLease> LeaseAsync(HttpClient agent, string device = "opencl:0:0", int wait = 0) =>
        agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([device], wait)).ExpectAsync<JobLease>(HttpStatusCode.OK);

    private Task<Job> JobAsync(Guid jobId) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

    private async Task<Guid> OnlyJobOfRunAsync(Guid runId) =>
        await portal.WithDbAsync(db => db.Jobs.Where(j => j.RunId == runId).Select(j => j.Id).SingleAsync());

    [Fact]
    public async Task Registration_needs_a_live_registration_token()
    {
        var anonymous = portal.CreateClient();
        await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("x")).ExpectAsync(HttpStatusCode.Unauthorized);
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "cpr_notarealtoken0000000000000000000000000");
        var refused = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("x")).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("registration token", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reported_devices_map_to_skus_by_name_pattern_and_unmatched_ones_stay_unmapped()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken);
        var reported = await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.PoclCpu, AgentFixtures.Gpu("cuda:0")]))
            .ExpectAsync<List<ReportedDevice>>(HttpStatusCode.OK);
        Assert.Null(reported.Single(d => d.Id == "opencl:0:0").SkuId);
        Assert.Equal(portal.H200, reported.Single(d => d.Id == "cuda:0").SkuId);
    }

    [Fact]
    public async Task A_pattern_maps_only_devices_of_its_vendors_and_the_consortiums_agents_so_a_longer_one_takes_over_nothing()
    {
        var model = $"NVIDIA H200 lot {Guid.NewGuid():N}"[..24];
        var takeover = await portal.AddSkuAsync(portal.Other, "Takeover " + model, SkuCategory.Gpu, s => s.DeviceNamePatterns = [model]);
        var device = AgentFixtures.Gpu("cuda:0", name: model);
        var (vendors, _) = await portal.RegisterAgentAsync(portal.PartnerToken);
        var (outsiders, _) = await portal.RegisterAgentAsync(portal.OtherToken);
        var (consortiums, _) = await portal.RegisterAgentAsync(portal.ConsortiumToken);

        async Task<Guid?> MappedAsync(HttpClient agent, DeviceReport report) =>
            (await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([report])).ExpectAsync<List<ReportedDevice>>(HttpStatusCode.OK))
            .Single().SkuId;

        // The other organisation's longer pattern matches the partner's device, but it is not the other's to map.
        Assert.Equal(portal.H200, await MappedAsync(vendors, device));
        // The partner's pattern does not reach the other organisation's devices either.
        Assert.Null(await MappedAsync(outsiders, AgentFixtures.Gpu("cuda:0")));
        Assert.Equal(takeover, await MappedAsync(outsiders, device));
        // The consortium runs agents on everyone's hardware: every pattern maps its devices.
        Assert.Equal(portal.H200, await MappedAsync(consortiums, AgentFixtures.Gpu("cuda:0")));
    }

    [Fact]
    public async Task A_new_device_is_queued_for_the_conformance_suite_once_and_again_after_a_driver_change()
    {
        var (agent, registered) = await portal.RegisterAgentAsync(portal.PartnerToken, keepQualification: true, devices: AgentFixtures.Gpu("cuda:0", driver: "580.1"));
        var suiteTests = await portal.WithDbAsync(db => db.CompatibilityTests
            .CountAsync(t => t.Suite!.Slug == TestSuite.ConformanceSlug && (t.Language == "cuda-c" || t.Language == "opencl-c")));
        Task<int> JobsAsync() => portal.WithDbAsync(db => db.Jobs.CountAsync(j =>
            j.Run!.Reason == RunReason.Qualification && db.AgentDevices.Any(d => d.AgentId == registered.AgentId && d.Id == j.TargetDeviceId)));

        Assert.True(suiteTests >= 20, $"the suite has {suiteTests} CUDA C and OpenCL C tests");
        Assert.Equal(suiteTests, await JobsAsync());

        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.Gpu("cuda:0", driver: "580.1")])).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(suiteTests, await JobsAsync());

        var again = await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.Gpu("cuda:0", driver: "590.2")]))
            .ExpectAsync<List<ReportedDevice>>(HttpStatusCode.OK);
        Assert.True(again.Single().QualificationQueued);
        Assert.Equal(2 * suiteTests, await JobsAsync());
    }

    [Fact]
    public async Task A_leased_job_completes_once_with_its_provenance_and_a_repeat_is_answered_the_same()
    {
        var (agent, registered) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        var test = await portal.AddVectorAddTestAsync("cuda-c");
        var run = await portal.SubmitAsync(test, $"sku:{portal.H200}");

        var lease = await LeaseAsync(agent, "cuda:0");
        Assert.Equal(await OnlyJobOfRunAsync(run), lease.JobId);
        Assert.Equal("vector_add", lease.Spec.GetProperty("op").GetString());
        Assert.Equal(1, lease.Attempt);

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JobStatus.Running, (await JobAsync(lease.JobId)).Status);

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.OK);
        // A retry after a lost answer is the same outcome, and a different verdict in it changes nothing.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete",
            new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.Failed, "other"))).ExpectAsync(HttpStatusCode.OK);

        var job = await JobAsync(lease.JobId);
        Assert.Equal((JobStatus.Completed, "passed"), (job.Status, job.Verdict));
        Assert.Equal(portal.H200, job.SkuId);
        Assert.Equal(portal.Partner, job.AgentOrganizationId);
        Assert.Equal("580.65", job.DriverVersion);
        Assert.Equal("NVIDIA H200", job.DeviceName);
        Assert.Equal("0.5.0", job.EngineVersion);
        Assert.False(job.Verified);
        Assert.Equal(registered.AgentId, job.AgentId);
    }

    [Fact]
    public async Task Progress_rides_on_an_extension_fenced_by_the_lease_and_an_implausible_one_is_left_out()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        var (stranger, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync("cuda-c"), $"sku:{portal.H200}");
        var lease = await LeaseAsync(agent, "cuda:0");

        // An older agent's extension (no progress) records none.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        Assert.Null((await JobAsync(lease.JobId)).Progress);

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend",
            new LeaseExtension(lease.LeaseId, Progress: new JobProgress(3, 5, JobProgress.Checking))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new JobProgress(3, 5, JobProgress.Checking), (await JobAsync(lease.JobId)).Progress);

        // A plain extension keeps the last progress; one that no run could have is left out, and the lease is still extended.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.OK);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend",
            new LeaseExtension(lease.LeaseId, Progress: new JobProgress(9, 5, JobProgress.Timing))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(new JobProgress(3, 5, JobProgress.Checking), (await JobAsync(lease.JobId)).Progress);

        // Someone else's lease, or a wrong lease id, writes nothing.
        await stranger.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend",
            new LeaseExtension(lease.LeaseId, Progress: new JobProgress(5, 5, JobProgress.Timing))).ExpectAsync(HttpStatusCode.Forbidden);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend",
            new LeaseExtension(Guid.NewGuid(), Progress: new JobProgress(5, 5, JobProgress.Timing))).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(new JobProgress(3, 5, JobProgress.Checking), (await JobAsync(lease.JobId)).Progress);

        // Done, so that no other test of this portal leases the job after its lease expires.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(lease.JobId, await OnlyJobOfRunAsync(run));
    }

    [Fact]
    public async Task Another_agent_is_refused_with_403_and_a_stale_lease_with_409()
    {
        var (first, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        var (stranger, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync("cuda-c"), $"sku:{portal.H200}");
        var jobId = await OnlyJobOfRunAsync(run);

        var lease = await LeaseAsync(first, "cuda:0");
        Assert.Equal(jobId, lease.JobId);
        await stranger.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.Forbidden);

        // The first agent goes quiet; its lease expires and the job is leased again, by the other agent.
        portal.Time.Advance(TimeSpan.FromSeconds(61));
        await portal.Services.GetRequiredService<JobReaper>().RunOnceAsync(CancellationToken.None);
        portal.Time.Advance(TimeSpan.FromSeconds(11));
        await portal.Services.GetRequiredService<JobReaper>().RunOnceAsync(CancellationToken.None);
        var second = await LeaseAsync(stranger, "cuda:0");
        Assert.Equal((jobId, 2), (second.JobId, second.Attempt));

        await first.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.Conflict);
        await first.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/extend", new LeaseExtension(lease.LeaseId)).ExpectAsync(HttpStatusCode.Conflict);
        await stranger.PostJsonAsync($"/api/v1/agent/jobs/{jobId}/complete",
            new JobCompletion(second.LeaseId, new KernelResult(KernelStatus.Failed, "wrong"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("failed", (await JobAsync(jobId)).Verdict);
    }

    [Fact]
    public async Task A_job_whose_leases_keep_expiring_is_retried_with_backoff_then_failed_with_the_reason()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync(), $"device:{await DeviceIdAsync(agent)}");
        var jobId = await OnlyJobOfRunAsync(run);
        var reaper = portal.Services.GetRequiredService<JobReaper>();
        var backoff = TimeSpan.FromSeconds(10);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var lease = await LeaseAsync(agent);
            Assert.Equal((jobId, attempt), (lease.JobId, lease.Attempt));
            portal.Time.Advance(TimeSpan.FromSeconds(61));
            await reaper.RunOnceAsync(CancellationToken.None);
            if (attempt == 3)
                break;
            var waiting = await JobAsync(jobId);
            Assert.Equal(JobStatus.Retrying, waiting.Status);
            Assert.Equal(portal.Time.GetUtcNow() + backoff * Math.Pow(2, attempt - 1), waiting.RetryAt);
            // Not offered again before its time.
            await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync(HttpStatusCode.NoContent);
            portal.Time.Advance(backoff * Math.Pow(2, attempt - 1));
            await reaper.RunOnceAsync(CancellationToken.None);
        }
        var failed = await JobAsync(jobId);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("expired on each of 3 attempt", failed.FailureReason);
        Assert.Null(failed.Verdict);
    }

    [Fact]
    public async Task A_released_job_goes_back_to_the_queue_without_using_up_an_attempt()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync(), $"device:{await DeviceIdAsync(agent)}");
        var first = await LeaseAsync(agent);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{first.JobId}/release", new LeaseRelease(first.LeaseId, "stopping")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(JobStatus.Queued, (await JobAsync(first.JobId)).Status);
        var again = await LeaseAsync(agent);
        Assert.Equal((first.JobId, 1), (again.JobId, again.Attempt));
        Assert.Equal(await OnlyJobOfRunAsync(run), again.JobId);
    }

    [Fact]
    public async Task Extending_a_cancelled_job_tells_the_agent_to_stop_and_it_cannot_complete_it()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        await portal.SubmitAsync(await portal.AddVectorAddTestAsync(), $"device:{await DeviceIdAsync(agent)}");
        var lease = await LeaseAsync(agent);
        await portal.Services.GetRequiredService<JobQueue>().CancelAsync(lease.JobId, "cancelled in a test", portal.Time.GetUtcNow(), CancellationToken.None);

        var extended = await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/extend", new LeaseExtension(lease.LeaseId))
            .ExpectAsync<LeaseExtended>(HttpStatusCode.OK);
        Assert.True(extended.Cancel);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed)).ExpectAsync(HttpStatusCode.Conflict);
        Assert.Equal(JobStatus.Cancelled, (await JobAsync(lease.JobId)).Status);
    }

    [Fact]
    public async Task A_waiting_lease_call_is_woken_by_a_submission()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        var device = await DeviceIdAsync(agent);
        var test = await portal.AddVectorAddTestAsync();
        // Waits up to 25 s; a 204 would mean the notification never reached it.
        var waiting = agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 25));
        await PollAsync(() => Task.FromResult(portal.Services.GetRequiredService<JobSignals>().Listening));
        var run = await portal.SubmitAsync(test, $"device:{device}");
        var lease = await waiting.ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Equal(await OnlyJobOfRunAsync(run), lease.JobId);
    }

    [Fact]
    public async Task A_private_test_goes_only_to_agents_of_its_organisation()
    {
        var (outsider, outsiderAgent) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.Gpu("cuda:0"));
        var (own, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.Gpu("cuda:0"));
        // The outsider's device is an H200 too, mapped by hand (patterns map only the vendor's own devices).
        await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == outsiderAgent.AgentId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.SkuId, portal.H200).SetProperty(d => d.SkuSetByHand, true)));
        var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync("cuda-c", TestVisibility.Private, portal.Partner), $"sku:{portal.H200}");
        await outsider.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["cuda:0"], 0)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(await OnlyJobOfRunAsync(run), (await LeaseAsync(own, "cuda:0")).JobId);
    }

    [Fact]
    public async Task Agent_tokens_reach_only_agent_endpoints_and_personal_tokens_never_do()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        await agent.GetAsync("/api/v1/organizations").ExpectAsync(HttpStatusCode.Unauthorized);
        await agent.GetAsync("/api/v1/agents").ExpectAsync(HttpStatusCode.Unauthorized);
        var person = portal.CreateBootstrapClient();
        await person.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync(HttpStatusCode.Unauthorized);
        await person.PostJsonAsync("/api/v1/agent/heartbeat", new AgentHeartbeat()).ExpectAsync(HttpStatusCode.Unauthorized);
        await agent.PostJsonAsync("/api/v1/agent/heartbeat", new AgentHeartbeat()).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_revoked_agent_is_locked_out_at_once()
    {
        var (agent, registered) = await portal.RegisterAgentAsync(portal.OtherToken, devices: AgentFixtures.PoclCpu);
        await agent.PostJsonAsync("/api/v1/agent/heartbeat", new AgentHeartbeat()).ExpectAsync(HttpStatusCode.NoContent);
        await portal.CreateBootstrapClient().DeleteAsync($"/api/v1/agents/{registered.AgentId}").ExpectAsync(HttpStatusCode.NoContent);
        await agent.PostJsonAsync("/api/v1/agent/heartbeat", new AgentHeartbeat()).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_completion_that_asks_for_the_next_job_gets_it_in_the_same_answer()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.PoclCpu);
        var device = await DeviceIdAsync(agent);
        var test = await portal.AddVectorAddTestAsync();
        var first = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var second = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var lease = await LeaseAsync(agent);
        Assert.Equal(first, lease.JobId);

        var completed = await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete",
            new JobCompletion(lease.LeaseId, Passed, new LeaseRequest(["opencl:0:0"]))).ExpectAsync<JobCompleted>(HttpStatusCode.OK);

        Assert.Equal("passed", completed.Verdict);
        Assert.Equal(JobStatus.Completed, (await JobAsync(first)).Status);
        var next = Assert.IsType<JobLease>(completed.Next);
        Assert.Equal(second, next.JobId);
        Assert.Equal("vector_add", next.Spec.GetProperty("op").GetString());
        var leased = await JobAsync(second);
        Assert.Equal((JobStatus.Leased, next.LeaseId, 1), (leased.Status, leased.LeaseId, leased.Attempts));

        // Nothing left: the answer says so, and the agent goes back to long-polling.
        var last = await agent.PostJsonAsync($"/api/v1/agent/jobs/{second}/complete",
            new JobCompletion(next.LeaseId, Passed, new LeaseRequest(["opencl:0:0"], 0))).ExpectAsync<JobCompleted>(HttpStatusCode.OK);
        Assert.Null(last.Next);
        Assert.Equal(JobStatus.Completed, (await JobAsync(second)).Status);
    }

    [Fact]
    public async Task A_completion_repeated_after_its_answer_was_lost_gets_the_same_next_job_and_lease_back()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.PoclCpu);
        var device = await DeviceIdAsync(agent);
        var test = await portal.AddVectorAddTestAsync();
        var first = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var second = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var third = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var lease = await LeaseAsync(agent);
        Assert.Equal(first, lease.JobId);
        var body = new JobCompletion(lease.LeaseId, Passed, new LeaseRequest(["opencl:0:0"]));

        // The portal records the outcome and leases the next job, but the answer never reaches the agent, which sends the
        // same completion again.
        var lost = await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete", body).ExpectAsync<JobCompleted>(HttpStatusCode.OK);
        var retried = await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete", body).ExpectAsync<JobCompleted>(HttpStatusCode.OK);

        var next = Assert.IsType<JobLease>(retried.Next);
        Assert.Equal((second, lost.Next!.LeaseId, 1), (next.JobId, next.LeaseId, next.Attempt));
        var held = await JobAsync(second);
        Assert.Equal((JobStatus.Leased, (Guid?)next.LeaseId, 1), (held.Status, held.LeaseId, held.Attempts));
        Assert.Equal(JobStatus.Queued, (await JobAsync(third)).Status);
        // The handed-back lease is the current one: the job completes with it.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{second}/complete", new JobCompletion(next.LeaseId, Passed))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JobStatus.Completed, (await JobAsync(second)).Status);
    }

    [Fact]
    public async Task A_refused_or_invalid_completion_leases_nothing()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.PoclCpu);
        var device = await DeviceIdAsync(agent);
        var test = await portal.AddVectorAddTestAsync();
        var first = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var waiting = await OnlyJobOfRunAsync(await portal.SubmitAsync(test, $"device:{device}"));
        var lease = await LeaseAsync(agent);
        var next = new LeaseRequest(["opencl:0:0"]);

        await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete", new JobCompletion(Guid.NewGuid(), Passed, next))
            .ExpectAsync(HttpStatusCode.Conflict);
        var invalid = await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete",
            new JobCompletion(lease.LeaseId, Passed, next with { WaitSeconds = 10 })).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("next.waitSeconds", await invalid.Content.ReadAsStringAsync());
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{first}/complete", new JobCompletion(lease.LeaseId, Passed, new LeaseRequest([])))
            .ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(JobStatus.Leased, (await JobAsync(first)).Status);
        Assert.Equal(JobStatus.Queued, (await JobAsync(waiting)).Status);
    }

    [Fact]
    public async Task A_lease_and_a_completion_each_reach_the_runs_live_pages()
    {
        var signals = portal.Services.GetRequiredService<JobSignals>();
        await PollAsync(() => Task.FromResult(signals.Listening));
        var heard = new ConcurrentQueue<Guid>();
        void Hear(Guid run) => heard.Enqueue(run);
        signals.RunChanged += Hear;
        try
        {
            var (agent, _) = await portal.RegisterAgentAsync(portal.PartnerToken, devices: AgentFixtures.PoclCpu);
            var run = await portal.SubmitAsync(await portal.AddVectorAddTestAsync(), $"device:{await DeviceIdAsync(agent)}");
            await PollAsync(() => Task.FromResult(heard.Contains(run)));

            heard.Clear();
            var lease = await LeaseAsync(agent);
            await PollAsync(() => Task.FromResult(heard.Contains(run)));
            heard.Clear();
            await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed))
                .ExpectAsync(HttpStatusCode.OK);
            await PollAsync(() => Task.FromResult(heard.Contains(run)));
        }
        finally
        {
            signals.RunChanged -= Hear;
        }
    }

    [Fact]
    public async Task Changes_to_several_runs_in_one_moment_go_out_as_one_notification()
    {
        var payloads = new ConcurrentQueue<string>();
        await using var listener = await portal.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        listener.Notification += (_, e) => payloads.Enqueue(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {JobQueue.EventsChannel}", listener))
            await listen.ExecuteNonQueryAsync();
        Guid[] runs = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

        var batch = portal.Services.GetRequiredService<RunEventBatch>();
        // A send of the previous test's changes may still be gathering: let it go first, so that ours start a batch.
        await Task.Delay(RunEventBatch.Gather * 5);
        foreach (var run in runs)
            batch.Add(run);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // Other tests of this class may announce their own runs meanwhile: look for ours.
        while (!payloads.Any(p => runs.All(r => p.Contains(r.ToString(), StringComparison.Ordinal))))
            await listener.WaitAsync(TimeSpan.FromMilliseconds(100), limit.Token);

        var ours = payloads.Single(p => runs.Any(r => p.Contains(r.ToString(), StringComparison.Ordinal)));
        Assert.Equal(runs.Order(), RunEventBatch.Parse(ours).Where(runs.Contains).Order());
    }

    private async Task<Guid> DeviceIdAsync(HttpClient agent)
    {
        var reported = await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.PoclCpu]))
            .ExpectAsync<List<ReportedDevice>>(HttpStatusCode.OK);
        return reported.Single().DeviceId;
    }

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
            await Task.Delay(20, limit.Token);
    }
}
