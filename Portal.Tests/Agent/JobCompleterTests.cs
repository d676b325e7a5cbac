using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Contracts.Queue;
using Portal.Agent.Queue;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Agent;

/// <summary>The agent's completion of a job against the real portal, over a network that loses an answer.</summary>
public sealed class JobCompleterTests(JobCompleterTests.Fixture portal) : IClassFixture<JobCompleterTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public string Token { get; private set; } = "";

        protected override async Task StartedAsync() =>
            Token = await this.CreateRegistrationTokenAsync(await AddOrganizationAsync("Completer Lab", OrganizationKind.ChipDesigner));
    }

    /// <summary>Delivers the first completion to the portal and then drops its answer, as a connection reset after the commit would.</summary>
    private sealed class LoseFirstCompletionAnswer : DelegatingHandler
    {
        private int _lost;

        public JobCompleted? Lost { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.EndsWith("/complete", StringComparison.Ordinal) || Interlocked.Exchange(ref _lost, 1) == 1)
                return response;
            using (response)
                Lost = await response.Content.ReadFromJsonAsync<JobCompleted>(AgentProtocol.Json, cancellationToken);
            throw new HttpRequestException("Connection reset by peer (the answer was lost)");
        }
    }

    private Task<Job> JobAsync(Guid id) => portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));

    [Fact]
    public async Task A_completion_whose_answer_is_lost_is_sent_again_and_brings_the_job_the_portal_leased_with_it()
    {
        var (agentClient, registered) = await portal.RegisterAgentAsync(portal.Token, devices: AgentFixtures.PoclCpu);
        var device = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync());
        var test = await portal.AddVectorAddTestAsync();
        var runs = new List<Guid>();
        for (var i = 0; i < 3; i++)
            runs.Add(await portal.SubmitAsync(test, $"device:{device}"));
        var jobs = await portal.WithDbAsync(db => db.Jobs.Where(j => runs.Contains(j.RunId)).OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
            .Select(j => j.Id).ToListAsync());
        var lease = await agentClient.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([AgentFixtures.PoclCpu.Id], 0))
            .ExpectAsync<JobLease>(HttpStatusCode.OK);
        Assert.Equal(jobs[0], lease.JobId);

        var network = new LoseFirstCompletionAnswer { InnerHandler = portal.Server.CreateHandler() };
        using var http = new HttpClient(network) { BaseAddress = portal.Server.BaseAddress };
        var client = new AgentQueueClient(new PortalConnection(http, registered.Token, TimeProvider.System));
        var options = new AgentRunOptions(portal.Server.BaseAddress, null, registered.Token, "", "completer", null, null, TimeSpan.FromSeconds(5));
        using var shutdown = new AgentShutdown(options.DrainGrace, TimeProvider.System);
        var output = new StringWriter();
        var log = new AgentLog(output, TimeProvider.System);
        using var run = new CancellationTokenSource();
        await using var keeper = LeaseKeeper.Start(client, lease, TimeSpan.FromMinutes(1), run, log, shutdown, TimeProvider.System);
        // The keeper's first extension says the kernel started; wait for it, so that the completion is what the test is about.
        await PollAsync(async () => (await JobAsync(lease.JobId)).Status == JobStatus.Running);

        var next = await new JobCompleter(client, options, shutdown, log, TimeProvider.System)
            .CompleteAsync(lease, new KernelResult(KernelStatus.Passed, "all cases passed"), keeper, new LeaseRequest([AgentFixtures.PoclCpu.Id], 0));

        Assert.Contains($"could not report job {lease.JobId}", output.ToString());
        Assert.Equal(JobStatus.Completed, (await JobAsync(jobs[0])).Status);
        Assert.NotNull(next);
        var held = await JobAsync(jobs[1]);
        Assert.Equal((jobs[1], network.Lost?.Next?.LeaseId), (next.JobId, (Guid?)next.LeaseId));
        Assert.Equal((JobStatus.Leased, (Guid?)next.LeaseId), (held.Status, held.LeaseId));
        Assert.Equal(JobStatus.Queued, (await JobAsync(jobs[2])).Status);
    }

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
            await Task.Delay(20, limit.Token);
    }
}
