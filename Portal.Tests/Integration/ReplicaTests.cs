using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Runs;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// Three portal processes on one PostgreSQL, as `docker compose up --scale portal=3` runs them behind a proxy: the
/// queue's guarantees hold with agents spread over them, a replica can die mid-run, live progress and list totals
/// cross replicas, and what one replica signs (cookies, antiforgery tokens) another accepts.
/// </summary>
public sealed class ReplicaTests(ReplicaTests.Replicas replicas) : IClassFixture<ReplicaTests.Replicas>
{
    private const string Device = "cuda:0";
    private static readonly KernelResult Passed = new(KernelStatus.Passed, "all cases passed");

    /// <summary>Limits for whole phases: a hung replica fails the test instead of hanging it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Eight_agents_on_three_replicas_racing_for_two_thousand_jobs_never_lease_one_twice()
    {
        var jobs = await replicas.QueueJobsAsync(2000);
        var agents = await replicas.RegisterAgentsAsync(8, replicas.All);

        var (grants, completions) = await RaceAsync(agents, jobs.Count);

        Assert.Equal(jobs.Count, grants.Count);
        Assert.Equal(jobs.Order(), grants.Select(g => g.JobId).Distinct().Order());
        Assert.Equal(jobs.Order(), completions.Select(c => c.JobId).Order());
        // Every replica served leases: the agents really were spread.
        Assert.All(replicas.All, r => Assert.Contains(grants, g => g.Replica == r.Name));
        var outcomes = await replicas.OutcomesAsync(jobs);
        Assert.Equal<(JobStatus, int, string?, int)>((JobStatus.Completed, 1, KernelStatuses.PassedName, jobs.Count), outcomes.Single());
    }

    [Fact]
    public async Task A_replica_killed_mid_run_loses_no_job_and_each_job_gets_one_outcome()
    {
        // Its own fourth replica, so that the class's three stay up; leases it grants are short, so that the ones lost with
        // it expire soon and are leased again.
        await using var doomed = await replicas.StartAsync("doomed", new KeyValuePair<string, string>("Portal:Jobs:LeaseSeconds", "5"));
        var jobs = await replicas.QueueJobsAsync(1000);
        var agents = await replicas.RegisterAgentsAsync(8, [doomed, replicas.All[0], replicas.All[1]]);
        var killed = false;

        var (grants, completions) = await RaceAsync(agents, jobs.Count, async done =>
        {
            if (done >= jobs.Count / 3 && !killed)
            {
                killed = true;
                await doomed.KillAsync();
            }
        });

        Assert.True(doomed.HasExited);
        // Every agent of the dead replica carried on through another one.
        Assert.All(agents.Where(a => a.Home == doomed), a => Assert.Contains(grants, g => g.Agent == a.Name && g.Replica != doomed.Name));
        // A lease lost with the replica is granted again only once it expired: never two at once (one per attempt).
        Assert.Equal(grants.Count, grants.DistinctBy(g => (g.JobId, g.Attempt)).Count());
        Assert.Equal(jobs.Order(), grants.Select(g => g.JobId).Distinct().Order());
        // One outcome per job: the completions accepted for a job all carry one lease (a repeat after a lost answer).
        var leasesCompleted = completions.GroupBy(c => c.JobId).ToDictionary(g => g.Key, g => g.Select(c => c.LeaseId).Distinct().Count());
        Assert.Equal(jobs.Order(), leasesCompleted.Keys.Order());
        Assert.All(leasesCompleted.Values, leases => Assert.Equal(1, leases));
        var outcomes = await replicas.OutcomesAsync(jobs);
        Assert.All(outcomes, o => Assert.Equal<(JobStatus, string?)>((JobStatus.Completed, KernelStatuses.PassedName), (o.Status, o.Verdict)));
        Assert.Equal(jobs.Count, outcomes.Sum(o => o.Count));
    }

    [Fact]
    public async Task A_run_watched_on_one_replica_shows_each_job_completed_through_another()
    {
        var (watcher, worker) = (replicas.All[0], replicas.All[1]);
        var jobs = await replicas.QueueJobsAsync(4);
        var agent = (await replicas.RegisterAgentsAsync(1, [worker])).Single();
        var run = await replicas.RunOfAsync(jobs[0]);

        using var client = watcher.CreateClient(PortalProcess.BootstrapToken);
        using var response = await client.GetAsync($"/api/v1/runs/{run}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        await using var events = SseParser.Create(stream, (type, data) => (type, JsonSerializer.Deserialize<RunProgress>(data, ApiJson.Options)!))
            .EnumerateAsync().GetAsyncEnumerator();

        var first = await NextProgressAsync(events);
        Assert.Equal((RunStatus.Queued, 4, 0), (first.Status, first.Jobs, first.Finished));
        for (var done = 1; done <= jobs.Count; done++)
        {
            var lease = await agent.LeaseAsync();
            Assert.NotNull(lease);
            await agent.CompleteAsync(lease.Value.Lease);
            // The watching replica learns of it only through PostgreSQL's NOTIFY: it served none of these calls.
            RunProgress progress;
            do
                progress = await NextProgressAsync(events);
            while (progress.Finished < done);
            Assert.Equal(done, progress.Finished);
        }
        var last = await NextProgressAsync(events, orEnd: true);
        Assert.Null(last); // every job is final: the stream ends
    }

    [Fact]
    public async Task A_list_total_counted_on_one_replica_counts_an_organisation_created_through_another_at_once()
    {
        var country = "IS";
        using var reader = replicas.All[0].CreateClient(PortalProcess.BootstrapToken);
        using var writer = replicas.All[2].CreateClient(PortalProcess.BootstrapToken);
        var before = await TotalAsync(reader, country);

        await writer.PostJsonAsync("/api/v1/organizations", new { name = $"Replica {Guid.NewGuid():N}", kind = "research", country })
            .ExpectAsync(HttpStatusCode.Created);

        // Well inside ListTotals.MaxAge: the total remembered on the reader must be recounted because of the change, not its age.
        var clock = Stopwatch.StartNew();
        var after = before;
        while (after == before && clock.Elapsed < ListTotals.MaxAge / 2)
            after = await TotalAsync(reader, country);
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task A_form_and_a_sign_in_issued_by_one_replica_are_accepted_by_the_others()
    {
        var (a, b, c) = (replicas.All[0], replicas.All[1], replicas.All[2]);
        var cookies = new CookieContainer();
        var email = $"{Guid.NewGuid():N}@users.test";
        const string password = "Replica-password-2026";

        // The registration form (and its antiforgery token) from A, posted to B.
        var form = await AntiforgeryTokenAsync(a, cookies, "/account/register");
        using (var registered = await PostFormAsync(b, cookies, "/account/register", form, "register",
            ("Input.DisplayName", "Replica user"), ("Input.Email", email), ("Input.Password", password), ("Input.ConfirmPassword", password)))
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);

        // Signed in through C with B's form; A reads C's sign-in cookie.
        form = await AntiforgeryTokenAsync(b, cookies, "/account/login");
        using (var signedIn = await PostFormAsync(c, cookies, "/account/login", form, "login", ("Input.Email", email), ("Input.Password", password)))
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Contains(cookies.GetAllCookies(), cookie => cookie.Name == "portal.auth");
        using var client = Browser(a, cookies);
        using var page = await client.GetAsync("/account/password");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<RunProgress> NextProgressAsync(IAsyncEnumerator<SseItem<(string Type, RunProgress Progress)>> events) =>
        (await NextProgressAsync(events, orEnd: false))!;

    private static async Task<RunProgress?> NextProgressAsync(IAsyncEnumerator<SseItem<(string Type, RunProgress Progress)>> events, bool orEnd)
    {
        // Far less than the stream's idle re-read: an event here was caused by a notification.
        if (!await events.MoveNextAsync().AsTask().WaitAsync(RunProgressStream.Idle / 3))
            return orEnd ? null : throw new InvalidOperationException("The progress stream ended early.");
        Assert.Equal("progress", events.Current.Data.Type);
        return events.Current.Data.Progress;
    }

    private static async Task<int> TotalAsync(HttpClient client, string country)
    {
        using var list = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/organizations?country={country}&pageSize=1"));
        return list.RootElement.GetProperty("total").GetInt32();
    }

    private static HttpClient Browser(PortalProcess replica, CookieContainer cookies) =>
        replica.CreateClient(handler: new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });

    private static async Task<string> AntiforgeryTokenAsync(PortalProcess replica, CookieContainer cookies, string path)
    {
        using var client = Browser(replica, cookies);
        var html = await client.GetStringAsync(path);
        var match = System.Text.RegularExpressions.Regex.Match(html, "__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(match.Success, $"{path} on {replica.Name} has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(PortalProcess replica, CookieContainer cookies, string path, string token,
        string formName, params (string Name, string Value)[] fields)
    {
        using var client = Browser(replica, cookies);
        return await client.PostAsync(path, new FormUrlEncodedContent(
            [new("_handler", formName), new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));
    }

    private sealed record Grant(string Agent, string Replica, Guid JobId, Guid LeaseId, int Attempt);

    private sealed record Completion(Guid JobId, Guid LeaseId);

    /// <summary>
    /// Every agent leases and completes until <paramref name="expected"/> jobs have an outcome; answers every lease granted and
    /// every completion accepted. <paramref name="onCompleted"/> sees the running count after each completion.
    /// </summary>
    private static async Task<(List<Grant> Grants, List<Completion> Completions)> RaceAsync(IReadOnlyList<FailoverAgent> agents, int expected,
        Func<int, Task>? onCompleted = null)
    {
        var grants = new ConcurrentBag<Grant>();
        var completions = new ConcurrentBag<Completion>();
        var done = 0;
        var gate = new SemaphoreSlim(1);
        using var limit = new CancellationTokenSource(Patience);
        await Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            while (Volatile.Read(ref done) < expected)
            {
                limit.Token.ThrowIfCancellationRequested();
                // Short waits once the queue looks empty: leases lost with a dead replica come back after they expire.
                if (await agent.LeaseAsync(waitSeconds: 1) is not { } granted)
                    continue;
                var (lease, replica) = granted;
                grants.Add(new Grant(agent.Name, replica, lease.JobId, lease.LeaseId, lease.Attempt));
                if (!await agent.CompleteAsync(lease))
                    continue; // the lease had expired and gone to another agent: its outcome is that agent's
                completions.Add(new Completion(lease.JobId, lease.LeaseId));
                var now = Interlocked.Increment(ref done);
                if (onCompleted is not null)
                {
                    await gate.WaitAsync(limit.Token);
                    try
                    {
                        await onCompleted(now);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        }, limit.Token)));
        return ([.. grants], [.. completions]);
    }

    /// <summary>
    /// A synthetic agent speaking the agent protocol to its home replica, and to the next replica in its list when that one
    /// stops answering (as an agent behind a load balancer would be moved to another replica).
    /// </summary>
    public sealed class FailoverAgent(string name, string token, IReadOnlyList<PortalProcess> replicas)
    {
        private readonly HttpClient[] _clients = [.. replicas.Select(r => r.CreateClient(token))];
        private int _current;

        public string Name => name;

        public PortalProcess Home => replicas[0];

        public async Task<(JobLease Lease, string Replica)?> LeaseAsync(int waitSeconds = 0)
        {
            var (response, replica) = await SendAsync(c => c.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([Device], waitSeconds)));
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NoContent)
                    return null;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return ((await response.Content.ReadFromJsonAsync<JobLease>(ApiJson.Options))!, replica);
            }
        }

        /// <summary>True when the outcome was recorded (or had been, by a call whose answer was lost); false when the lease was stale.</summary>
        public async Task<bool> CompleteAsync(JobLease lease)
        {
            var (response, _) = await SendAsync(c => c.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed)));
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Conflict)
                    return false;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return true;
            }
        }

        private async Task<(HttpResponseMessage Response, string Replica)> SendAsync(Func<HttpClient, Task<HttpResponseMessage>> call)
        {
            for (var tries = 0; ; tries++)
            {
                var current = Volatile.Read(ref _current);
                try
                {
                    return (await call(_clients[current]), replicas[current].Name);
                }
                catch (HttpRequestException) when (tries < 2 * replicas.Count)
                {
                    // The replica is gone (refused, or reset mid-call): the same call again, on the next one.
                    Interlocked.CompareExchange(ref _current, (current + 1) % replicas.Count, current);
                }
            }
        }
    }

    /// <summary>Three replicas started together on a fresh database, with a SKU, a test and a registration token for agents.</summary>
    public sealed class Replicas : IAsyncLifetime
    {
        private TestDatabaseName _database = null!;
        private Guid _sku;
        private Guid _test;
        private string _registrationToken = "";
        private int _agents;

        public IReadOnlyList<PortalProcess> All { get; private set; } = [];

        public async Task InitializeAsync()
        {
            _database = await TestPostgres.CreateDatabaseAsync();
            // Started at once, as a scaled service starts: their start-up work (suite, bootstrap token) must not collide.
            var starting = Enumerable.Range(0, 3).Select(i => StartAsync($"replica-{(char)('a' + i)}")).ToList();
            try
            {
                All = await Task.WhenAll(starting);
            }
            catch
            {
                // The ones that did start are not the fixture's yet: stop them here.
                foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
                    await started.Result.DisposeAsync();
                throw;
            }
            (_sku, _test) = await SeedAsync();
            using var admin = All[0].CreateClient(PortalProcess.BootstrapToken);
            var organization = await WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == _sku).Select(s => s.VendorId).SingleAsync());
            _registrationToken = (await admin.PostJsonAsync("/api/v1/agent-registration-tokens", new RegistrationTokenInput(organization, "replicas", 1))
                .ExpectAsync<CreatedRegistrationTokenDto>(HttpStatusCode.Created)).Token;
        }

        public async Task DisposeAsync()
        {
            foreach (var replica in All)
                await replica.DisposeAsync();
            NpgsqlConnection.ClearPool(new NpgsqlConnection(_database.ConnectionString));
            await TestPostgres.DropDatabaseAsync(_database.Name);
        }

        /// <summary>Another replica on the same database; the caller disposes of it.</summary>
        public Task<PortalProcess> StartAsync(string name, params KeyValuePair<string, string>[] settings) =>
            PortalProcess.StartAsync(name, _database.ConnectionString,
            [
                // A lost lease's job is offered again at once, and the reaper looks often, so a test need not wait for either.
                new("Portal:Jobs:RetryBackoffSeconds", "0"),
                new("Portal:Jobs:ReaperIntervalSeconds", "0.2"),
                // Only the tests' own jobs: no conformance suite queued for each new device.
                new("Portal:Jobs:QualifyNewDevices", "false"),
                .. settings,
            ]);

        /// <summary>Agents with one H200 each, registered and spread round-robin over <paramref name="homes"/>; each fails over to the rest.</summary>
        public async Task<List<FailoverAgent>> RegisterAgentsAsync(int count, IReadOnlyList<PortalProcess> homes)
        {
            var agents = new List<FailoverAgent>();
            for (var i = 0; i < count; i++)
            {
                var home = homes[i % homes.Count];
                var name = $"agent-{Interlocked.Increment(ref _agents)}";
                using var registrar = home.CreateClient(_registrationToken);
                var registered = await registrar.PostJsonAsync("/api/v1/agents/register", new AgentRegistration(name, "host.test", "0.5.0", "0.5.0"))
                    .ExpectAsync<RegisteredAgent>(HttpStatusCode.Created);
                using var client = home.CreateClient(registered.Token);
                await client.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.Gpu(Device)])).ExpectAsync(HttpStatusCode.OK);
                agents.Add(new FailoverAgent(name, registered.Token, [home, .. homes.Where(h => h != home)]));
            }
            return agents;
        }

        /// <summary>One run of <paramref name="count"/> jobs on the SKU, written in bulk: any of the agents may lease any of them.</summary>
        public Task<List<Guid>> QueueJobsAsync(int count) =>
            WithDbAsync(async db =>
            {
                var now = DateTimeOffset.UtcNow;
                var run = new TestRun { TestId = _test, Reason = RunReason.Submitted, CreatedAt = now };
                for (var i = 0; i < count; i++)
                    run.Jobs.Add(new Job { TestId = _test, Language = "cuda-c", TargetSkuId = _sku, Status = JobStatus.Queued, MaxAttempts = 3, CreatedAt = now });
                db.TestRuns.Add(run);
                await db.SaveChangesAsync();
                // The agents are waiting in long polls on other processes: tell them, as the submitter does.
                await db.Database.ExecuteSqlRawAsync($"NOTIFY {JobQueue.QueuedChannel}");
                return run.Jobs.Select(j => j.Id).ToList();
            });

        public Task<Guid> RunOfAsync(Guid job) => WithDbAsync(db => db.Jobs.Where(j => j.Id == job).Select(j => j.RunId).SingleAsync());

        public Task<List<(JobStatus Status, int Attempts, string? Verdict, int Count)>> OutcomesAsync(IReadOnlyCollection<Guid> jobs) =>
            WithDbAsync(async db => (await db.Jobs.Where(j => jobs.Contains(j.Id))
                    .GroupBy(j => new { j.Status, j.Attempts, j.Verdict }).Select(g => new { g.Key.Status, g.Key.Attempts, g.Key.Verdict, Count = g.Count() })
                    .ToListAsync())
                .Select(g => (g.Status, g.Attempts, g.Verdict, g.Count)).OrderBy(g => g.Attempts).ToList());

        private Task<(Guid Sku, Guid Test)> SeedAsync() =>
            WithDbAsync(async db =>
            {
                var now = DateTimeOffset.UtcNow;
                var vendor = new Organization { Name = "NVIDIA Replicas", Kind = OrganizationKind.ChipDesigner, Country = "US", CreatedAt = now, UpdatedAt = now };
                // The vendor's own agents: a SKU's patterns map only its vendor's (and the consortium's) devices.
                var sku = new HardwareSku
                {
                    Vendor = vendor, Name = "H200 replicas", Category = SkuCategory.Gpu, Lifecycle = SkuLifecycle.Ga, DeviceNamePatterns = ["H200"],
                    CreatedAt = now, UpdatedAt = now,
                };
                var test = new CompatibilityTest
                {
                    Name = "vector_add replicas", Op = "vector_add", Language = "cuda-c", Visibility = TestVisibility.Consortium, CreatedAt = now, UpdatedAt = now,
                    Spec = SpecJson.Deserialize("""{"op":"vector_add","language":"cuda-c","entry":"vector_add","source":"extern \"C\" __global__ void vector_add(const float* x, const float* y, float* z, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) z[i] = x[i] + y[i]; }","args":["x","y","z","n"],"launch":{"grid":["ceil_div(n, 64)"],"block":[64]},"cases":[{"n":1000}]}"""),
                };
                db.AddRange(vendor, sku, test);
                db.Actor = AuditActor.System;
                await db.SaveChangesAsync();
                return (sku.Id, test.Id);
            });

        private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            PortalDataExtensions.Configure(options, _database.ConnectionString);
            await using var db = new PortalDbContext(options.Options);
            return await work(db);
        }
    }
}
