using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Jobs;
using Portal.Api.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// A private test runs only where the lease would let it run (LeaseRule): "every online device" means the devices that may
/// take it, a run no device may take is refused with the reason, and a job that waits for an agent says why.
/// </summary>
public sealed class PrivateTestRunTests(PrivateTestRunTests.Fixture portal) : IClassFixture<PrivateTestRunTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid LocalAgents { get; private set; }
        public Guid Consortium { get; private set; }
        public string LabToken { get; private set; } = "";
        public string LocalToken { get; private set; } = "";
        public string ConsortiumToken { get; private set; } = "";
        public HttpClient Developer { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Private Lab", OrganizationKind.ChipDesigner);
            // As run.sh's local agent: an organisation of its own, not the test's.
            LocalAgents = await AddOrganizationAsync("Local agents", OrganizationKind.DatacenterOperator);
            Consortium = await AddOrganizationAsync("Rule Consortium", OrganizationKind.Consortium);
            LabToken = await this.CreateRegistrationTokenAsync(Lab);
            LocalToken = await this.CreateRegistrationTokenAsync(LocalAgents);
            ConsortiumToken = await this.CreateRegistrationTokenAsync(Consortium);
            Developer = await CreateClientForAsync(await CreateUserAsync("Private developer", false, (Lab, MemberRole.Developer)));
        }
    }

    /// <summary>Each test brings its own agents: those of earlier tests go offline.</summary>
    private Task EveryAgentOfflineAsync() =>
        portal.WithDbAsync(db => db.Agents.ExecuteUpdateAsync(u => u.SetProperty(a => a.LastHeartbeatAt, portal.Time.GetUtcNow() - TimeSpan.FromDays(1))));

    private Task<Guid> DeviceOfAsync(Guid agentId) =>
        portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agentId).Select(d => d.Id).SingleAsync());

    private Task<Guid> PrivateTestAsync() => portal.AddVectorAddTestAsync("opencl-c", TestVisibility.Private, portal.Lab);

    private Task<HttpResponseMessage> SubmitAsync(Guid test, params string[] targets) =>
        portal.Developer.PostJsonAsync($"/api/v1/tests/{test}/runs", new { targets });

    private async Task<JobDto> OnlyJobAsync(Guid run) => Assert.Single((await portal.Developer.GetJsonAsync<RunDto>($"/api/v1/runs/{run}")).Jobs);

    [Fact]
    public async Task A_private_test_on_every_online_device_with_only_another_organisations_agent_online_is_refused_with_the_reason()
    {
        await EveryAgentOfflineAsync();
        await portal.RegisterAgentAsync(portal.LocalToken, "local agent", devices: AgentFixtures.PoclCpu);
        var test = await PrivateTestAsync();

        var problem = await SubmitAsync(test).ExpectValidationProblemAsync();

        var message = Assert.Single(problem.Errors["targets"]);
        Assert.Contains("your organisation or the consortium", message);
        Assert.Contains("consortium-visible", message);
        Assert.Contains("attach an agent", message);
        Assert.Equal(0, await portal.WithDbAsync(db => db.TestRuns.CountAsync(r => r.TestId == test)));

        var korean = await portal.Developer.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tests/{test}/runs")
        {
            Content = JsonContent.Create(new { targets = Array.Empty<string>() }),
            Headers = { { "Accept-Language", "ko" } },
        }).ExpectValidationProblemAsync();
        Assert.Contains("컨소시엄 공개", Assert.Single(korean.Errors["targets"]));
    }

    [Fact]
    public async Task With_its_organisations_agent_online_a_private_test_runs_there_and_not_on_the_others()
    {
        await EveryAgentOfflineAsync();
        var (local, _) = await portal.RegisterAgentAsync(portal.LocalToken, "local agent", devices: AgentFixtures.PoclCpu);
        var (own, ownAgent) = await portal.RegisterAgentAsync(portal.LabToken, "lab agent", devices: AgentFixtures.PoclCpu);
        var test = await PrivateTestAsync();

        var run = await SubmitAsync(test).ExpectAsync<RunDto>(HttpStatusCode.Created);

        var job = Assert.Single(run.Jobs);
        Assert.Equal($"device:{await DeviceOfAsync(ownAgent.AgentId)}", job.Target);
        Assert.Null(job.WaitingReason);
        await local.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync(HttpStatusCode.NoContent);
        var lease = await own.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Equal(job.Id, lease.JobId);
    }

    /// <summary>
    /// The rule's three forms held together: the lease statement (SQL), the submitter's device filter (EF) and the waiting
    /// reason (in memory) answer alike for every kind of test and agent.
    /// </summary>
    [Theory]
    [InlineData(TestVisibility.Private, "own", true)]
    [InlineData(TestVisibility.Private, "other", false)]
    [InlineData(TestVisibility.Private, "consortium", true)]
    [InlineData(TestVisibility.Consortium, "own", true)]
    [InlineData(TestVisibility.Consortium, "other", true)]
    [InlineData(TestVisibility.Consortium, "consortium", true)]
    public async Task The_lease_the_submitter_and_the_waiting_reason_agree_on_who_may_run_a_test(TestVisibility visibility, string runner, bool may)
    {
        await EveryAgentOfflineAsync();
        var (organization, token) = runner switch
        {
            "own" => (portal.Lab, portal.LabToken),
            "other" => (portal.LocalAgents, portal.LocalToken),
            _ => (portal.Consortium, portal.ConsortiumToken),
        };
        var (agent, registered) = await portal.RegisterAgentAsync(token, $"{runner} agent", devices: AgentFixtures.PoclCpu);
        var device = await DeviceOfAsync(registered.AgentId);
        var test = await portal.AddVectorAddTestAsync("opencl-c", visibility, portal.Lab);

        Assert.Equal(may, LeaseRule.MayLease(visibility, portal.Lab, organization, runner == "consortium"));

        // A job stored straight on the device (not through the submitter): the waiting reason and the lease statement.
        var stored = Assert.Single(await portal.AddRunAsync(test, null, (device, null)));
        var run = await portal.WithDbAsync(db => db.Jobs.Where(j => j.Id == stored).Select(j => j.RunId).SingleAsync());
        var waiting = await OnlyJobAsync(run);
        Assert.Equal(may, waiting.WaitingReason is null);
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0));
        Assert.Equal(may ? HttpStatusCode.OK : HttpStatusCode.NoContent, lease.StatusCode);

        // The submitter: every online device, and the device named.
        var everywhere = await SubmitAsync(test);
        var named = await SubmitAsync(test, $"device:{device}");
        Assert.Equal(may ? HttpStatusCode.Created : HttpStatusCode.BadRequest, everywhere.StatusCode);
        Assert.Equal(may ? HttpStatusCode.Created : HttpStatusCode.BadRequest, named.StatusCode);
        if (may)
            Assert.Equal($"device:{device}", Assert.Single((await everywhere.Content.ReadFromJsonAsync<RunDto>(ApiJson.Options))!.Jobs).Target);
    }

    [Fact]
    public async Task A_job_whose_only_device_went_away_says_why_it_waits()
    {
        await EveryAgentOfflineAsync();
        var (agent, registered) = await portal.RegisterAgentAsync(portal.LabToken, "leaving agent", devices: AgentFixtures.PoclCpu);
        var test = await PrivateTestAsync();
        var run = await SubmitAsync(test, $"device:{await DeviceOfAsync(registered.AgentId)}").ExpectAsync<RunDto>(HttpStatusCode.Created);
        Assert.Null(Assert.Single(run.Jobs).WaitingReason);

        // The host now reports another device only: the PoCL one is gone.
        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.Gpu("cuda:0")])).ExpectAsync(HttpStatusCode.OK);

        var job = await OnlyJobAsync(run.Id);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Contains("no online device of this target accepts opencl-c", job.WaitingReason);
    }

    [Fact]
    public async Task A_sku_job_that_only_other_organisations_agents_could_take_says_so_until_one_that_may_comes_online()
    {
        await EveryAgentOfflineAsync();
        var sku = await portal.AddSkuAsync(portal.Lab, $"Private SKU {Guid.NewGuid():N}");
        var (_, local) = await portal.RegisterAgentAsync(portal.LocalToken, "local agent", devices: AgentFixtures.PoclCpu);
        await MapAsync(local.AgentId, sku);
        var test = await PrivateTestAsync();

        // A SKU target is accepted (its devices may come later), and the job says what it waits for.
        var run = await SubmitAsync(test, $"sku:{sku}").ExpectAsync<RunDto>(HttpStatusCode.Created);
        Assert.Contains("no agent that may run this private test is online", Assert.Single(run.Jobs).WaitingReason);

        var (_, own) = await portal.RegisterAgentAsync(portal.LabToken, "lab agent", devices: AgentFixtures.PoclCpu);
        await MapAsync(own.AgentId, sku);
        Assert.Null((await OnlyJobAsync(run.Id)).WaitingReason);
    }

    private Task MapAsync(Guid agentId, Guid sku) =>
        portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == agentId)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.SkuId, sku).SetProperty(d => d.SkuSetByHand, true)));
}
