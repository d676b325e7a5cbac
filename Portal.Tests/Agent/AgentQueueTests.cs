using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Jobs;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels;
using Portal.Kernels.Ops;
using Portal.Kernels.References;
using Portal.Kernels.Suite;
using Portal.Tests.Kernels.Custom;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Agent;

/// <summary>
/// The portal on a real port, on the real clock (agents are real processes, and leases must expire in real time),
/// with short leases and a fast reaper so that a lost agent's job comes back within seconds.
/// </summary>
public sealed class AgentQueuePortal : PortalFactory
{
    public const int LeaseSeconds = 6;

    public AgentQueuePortal() => UseKestrel(0);

    protected override bool UsesFakeTime => false;

    protected override IEnumerable<KeyValuePair<string, string>> Settings => base.Settings.Concat(
    [
        new("Portal:Jobs:LeaseSeconds", LeaseSeconds.ToString()),
        new("Portal:Jobs:ReaperIntervalSeconds", "1"),
        // These tests watch their own jobs; the suite queued for a new device would run first (qualification has its own tests).
        new("Portal:Jobs:QualifyNewDevices", "false"),
        new("Portal:Jobs:RetryBackoffSeconds", "1"),
        // A test here submits up to 18 tests with a run each (36 submissions) in a minute; the limit has tests of its own.
        new("Portal:Submissions:PermitLimit", "100"),
    ]);

    public string BaseUrl { get; private set; } = "";

    protected override Task StartedAsync()
    {
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no addresses.");
        BaseUrl = addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Real agents (the Portal.Agent program, started as an operator starts it) against the real portal: registration,
/// leasing, verdicts, a killed agent's job going to another, draining on SIGTERM, cancellation, and submit --wait.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // checks the state file's mode
public sealed class AgentQueueTests(AgentQueuePortal portal) : IClassFixture<AgentQueuePortal>
{
    /// <summary>The PoCL CPU device of the test host (as in AgentCliTests); agents serve only it.</summary>
    private const string Pocl = "opencl:0:0";
    private const string Correct = "if (i < n) z[i] = x[i] + y[i];";
    private const string Wrong = "if (i < n - 1) z[i] = x[i] + y[i];";
    private const string Spin = "while (n > 0) { z[i] = x[i] + 1.0f; }";

    /// <summary>How long a test waits for what an agent does: start-up with device discovery, a PoCL compile, a few cases.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private sealed record Partner(Guid OrganizationId, string ApiToken, string RegistrationToken);

    [Fact]
    public async Task An_agent_registers_reports_its_PoCL_device_and_runs_a_submitted_test_to_passed()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);

        var job = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Correct), $"device:{device}");
        var done = await WaitForJobAsync(job, j => j.Status.IsFinal(), agent);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("passed", done.Verdict);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(await AgentIdAsync(name), done.AgentId);
        Assert.Equal(KernelEngine.Version, done.EngineVersion);
        var reported = await portal.WithDbAsync(db => db.AgentDevices.AsNoTracking().Include(d => d.Agent).SingleAsync(d => d.Id == device));
        Assert.Contains("opencl-c", reported.Languages);
        Assert.Equal(Environment.MachineName, reported.Agent!.Hostname);
        Assert.Equal(partner.OrganizationId, reported.Agent.OrganizationId);
        // The copy bandwidth the listing child measured on PoCL reached the portal with the device report.
        Assert.True(reported.CopyBandwidthGbPerSecond > 0, $"copy bandwidth {reported.CopyBandwidthGbPerSecond}");
        Assert.Contains(agent.Lines, l => l.Contains($"device {Pocl}", StringComparison.Ordinal) && l.Contains("device-to-device copy", StringComparison.Ordinal));
        Assert.Contains(agent.Lines, l => l.Contains($"leased job {job} on device {Pocl}", StringComparison.Ordinal));
        // The agent logs the completion once the portal has answered it, which can be just after the job reads as completed.
        await agent.WaitForLineAsync(l => l.Contains($"completed job {job}: passed", StringComparison.Ordinal), Patience);
    }

    /// <summary>Storage dtypes through the queue: bf16 and f16 kernels pass, known-wrong ones fail with the message that says why.</summary>
    [Fact]
    public async Task Bf16_and_f16_kernels_get_their_verdicts_through_the_queue()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);
        var kernels = new[] { "softmax_bf16", "vector_add_f16", "vector_add_bf16_misread", "vector_add_bf16_past_end" }
            .Select(k => Portal.Tests.Kernels.DtypeKernelFile.Get("opencl-c", k)).ToList();

        var jobs = new List<Guid>();
        foreach (var kernel in kernels)
            jobs.Add(await SubmitAsync(partner, kernel.WriteSpecFile(), $"device:{device}"));
        foreach (var (kernel, job) in kernels.Zip(jobs))
        {
            var done = await WaitForJobAsync(job, j => j.Status.IsFinal(), agent);
            Assert.Equal(JobStatus.Completed, done.Status);
            Assert.True(kernel.Status == done.Verdict, $"{kernel}: {done.Verdict}: {done.Result?.Message}");
            Assert.Contains(kernel.MessageText, done.Result!.Message);
        }
    }

    /// <summary>
    /// Issue 11: a custom op through the queue: a right kernel passes and a wrong one fails naming the element; the second
    /// job takes the reference from the agent's cache instead of computing it again.
    /// </summary>
    [Fact]
    public async Task A_custom_op_job_passes_a_wrong_kernel_fails_and_the_second_takes_the_reference_from_the_agents_cache()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        var cache = Path.Combine(AppContext.BaseDirectory, "agent-specs", $"{Guid.NewGuid():N}", "references");
        await using var agent = RunningAgent.Start(new Dictionary<string, string> { [ReferenceCache.FolderVariable] = cache },
            "run", "--portal", portal.BaseUrl, "--registration-token", partner.RegistrationToken, "--state", StatePath(),
            "--name", name, "--devices", Pocl, "--lease-seconds", AgentQueuePortal.LeaseSeconds.ToString());
        var device = await DeviceOfAsync(agent, name);

        var right = await SubmitAsync(partner, SpecFile(CustomSpecs.BiasReluSpec()), $"device:{device}");
        var passed = await WaitForJobAsync(right, j => j.Status.IsFinal(), agent);
        var wrong = await SubmitAsync(partner, SpecFile(CustomSpecs.BiasReluSpec(CustomSpecs.BiasReluKernelWrongOnOdd)), $"device:{device}");
        var failed = await WaitForJobAsync(wrong, j => j.Status.IsFinal(), agent);

        Assert.True(passed.Verdict == "passed", passed.Result?.Message);
        Assert.True(failed.Verdict == "failed", failed.Result?.Message);
        Assert.Contains("first y[", failed.Result!.Message);
        Assert.Single(Directory.GetFiles(cache, "*.ref"));
        Assert.Contains(agent.Lines, l => l.Contains($"job {right}: reference: computed 1 cases", StringComparison.Ordinal));
        Assert.Contains(agent.Lines, l => l.Contains($"job {wrong}: reference: 1 cases from the cache", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 11: the nine catalog v2 ops through the queue, as a partner's agent runs them: each op's suite kernel passes, and
    /// its known-wrong control kernel fails for its reason (a wrong element named; an unstable one only on an adversarial
    /// distribution).
    /// </summary>
    [Fact]
    public async Task The_nine_v2_ops_pass_through_the_queue_and_each_ops_control_kernel_fails_for_its_reason()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);
        string[] ops = ["attention", "rope", "swiglu", "embedding", "cross_entropy", "conv2d", "softmax_backward", "cross_entropy_backward",
            "layernorm_backward"];
        var kernels = ops.SelectMany(op => new (string Name, KernelSpec Spec, BugClass? Bug)[]
        {
            (op, ConformanceSuite.Plain(KernelLanguage.OpenClC, op)!.Spec, null),
            ControlKernels.For(KernelLanguage.OpenClC).Where(c => c.Op == op).Select(c => ($"{op}.{c.BugName}", c.Spec, (BugClass?)c.Bug)).First(),
        }).ToList();

        // Verdicts are what this test is about: three timed launches instead of the suite's 2-s budget keep 18 jobs short
        // (none of these controls is a skipped_work one, which only the re-check after timing catches).
        var brief = new TimingSpec(Warmup: 1, Iterations: 3, MaxIterations: 3, BudgetMs: 200);
        var jobs = new List<Guid>();
        foreach (var kernel in kernels)
            jobs.Add(await SubmitAsync(partner, SpecFile(kernel.Spec with { Timing = brief }), $"device:{device}"));
        foreach (var (kernel, job) in kernels.Zip(jobs))
        {
            var done = await WaitForJobAsync(job, j => j.Status.IsFinal(), agent);
            var result = done.Result;
            Assert.True(done.Status == JobStatus.Completed && result is not null, $"{kernel.Name}: {done.Status} {done.FailureReason}");
            if (kernel.Bug is null)
            {
                Assert.True(done.Verdict == "passed", $"{kernel.Name}: {done.Verdict}: {result.Message}");
                continue;
            }
            Assert.True(done.Verdict == "failed", $"control {kernel.Name} must fail: {done.Verdict}: {result.Message}");
            var failedCases = result.Cases!.Where(c => c.Status == KernelStatus.Failed).ToList();
            Assert.NotEmpty(failedCases);
            Assert.All(failedCases, c => Assert.NotNull(c.FirstMismatch));
            if (kernel.Bug == BugClass.Unstable)
                Assert.All(failedCases, c => Assert.NotEqual(OpDefinition.DefaultDistribution, c.Distribution));
        }
    }

    private static string SpecFile(KernelSpec spec)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "agent-specs", $"{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Portal.Kernels.Spec.KernelSpecJson.Serialize(spec));
        return path;
    }

    [Fact]
    public async Task A_busy_agent_gets_its_next_job_with_the_last_result_and_runs_it()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);

        // The second is queued while the first compiles and runs (seconds on PoCL): the first one's completion brings it.
        var first = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Correct), $"device:{device}");
        var second = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Correct), $"device:{device}");
        var done = await WaitForJobAsync(second, j => j.Status.IsFinal(), agent);

        Assert.Equal("passed", done.Verdict);
        Assert.Equal(1, done.Attempts);
        Assert.Equal("passed", (await WaitForJobAsync(first, j => j.Status.IsFinal(), agent)).Verdict);
        await agent.WaitForLineAsync(l => l.Contains($"leased job {second} on device {Pocl} (attempt 1 of", StringComparison.Ordinal)
                                          && l.EndsWith("handed over with the last result", StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Restarting_an_agent_reuses_the_identity_in_its_state_file()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        var state = StatePath();
        await using (var first = StartAgent(partner, name, state))
        {
            await DeviceOfAsync(first, name);
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(Patience));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));

        await using var second = StartAgent(partner, name, state);
        await second.WaitForLineAsync(l => l.Contains($"from {state}", StringComparison.Ordinal), Patience);
        await DeviceOfAsync(second, name);

        Assert.Equal(1, await portal.WithDbAsync(db => db.Agents.CountAsync(a => a.OrganizationId == partner.OrganizationId)));
        Assert.DoesNotContain(second.Lines, l => l.Contains("registered as", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_whose_agent_was_killed_goes_to_another_agent_after_its_lease_expires_and_gets_one_outcome()
    {
        var partner = await PartnerAsync();
        var sku = await portal.AddSkuAsync(partner.OrganizationId, $"PoCL CPU {Guid.NewGuid():N}"[..20], Portal.Data.Skus.SkuCategory.Cpu);
        var first = AgentName();
        var second = AgentName();
        await using var doomed = StartAgent(partner, first);
        await MapToSkuAsync(await DeviceOfAsync(doomed, first), sku);

        // Spins until the engine's own timeout: long enough to kill its agent mid-job, short enough for the next one to finish.
        var job = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Spin, timeoutSeconds: 8), $"sku:{sku}");
        await WaitForJobAsync(job, j => j.Status == JobStatus.Running, doomed);
        doomed.KillHard();
        await using var survivor = StartAgent(partner, second);
        await MapToSkuAsync(await DeviceOfAsync(survivor, second), sku);
        var done = await WaitForJobAsync(job, j => j.Status.IsFinal(), survivor);

        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("timeout", done.Verdict);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(await AgentIdAsync(second), done.AgentId);
        Assert.Equal(new[] { await AgentIdAsync(first), await AgentIdAsync(second) }, done.LeaseHolders);
        Assert.Contains(survivor.Lines, l => l.Contains($"leased job {job} on device {Pocl} (attempt 2 of", StringComparison.Ordinal));
        await survivor.WaitForLineAsync(l => l.Contains($"completed job {job}: timeout", StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task SIGTERM_lets_a_running_job_finish_within_the_grace_reports_it_and_exits_0()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name, drainSeconds: 120);
        var device = await DeviceOfAsync(agent, name);

        var job = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Correct), $"device:{device}");
        await agent.WaitForLineAsync(l => l.Contains($"leased job {job}", StringComparison.Ordinal), Patience);
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(Patience);
        var done = await WaitForJobAsync(job, j => j.Status.IsFinal(), agent);

        Assert.Equal(0, exit);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal("passed", done.Verdict);
        Assert.Contains(agent.Lines, l => l.Contains("SIGTERM: no new jobs", StringComparison.Ordinal));
        Assert.Contains(agent.Lines, l => l.Contains($"completed job {job}: passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SIGTERM_hands_back_a_job_still_running_when_the_grace_ends_and_exits_0()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name, drainSeconds: 2);
        var device = await DeviceOfAsync(agent, name);

        var job = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Spin, timeoutSeconds: 120), $"device:{device}");
        await WaitForJobAsync(job, j => j.Status == JobStatus.Running, agent);
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(Patience);
        var handedBack = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == job));

        Assert.Equal(0, exit);
        Assert.Equal(JobStatus.Queued, handedBack.Status);
        Assert.Equal(0, handedBack.Attempts);
        Assert.Null(handedBack.LeaseId);
        Assert.Contains(agent.Lines, l => l.Contains($"released job {job}", StringComparison.Ordinal));
        await CancelAsync(job); // nobody else serves that device: leave the queue clean
    }

    [Fact]
    public async Task A_cancelled_job_stops_on_its_agent_within_one_lease_extension_and_the_agent_takes_the_next()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);
        var job = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Spin, timeoutSeconds: 120), $"device:{device}");
        await WaitForJobAsync(job, j => j.Status == JobStatus.Running, agent);

        await CancelAsync(job);
        await agent.WaitForLineAsync(l => l.Contains($"cancelled job {job}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(AgentQueuePortal.LeaseSeconds + 5));
        var next = await SubmitAsync(partner, AgentProcess.VectorAddSpec(Correct), $"device:{device}");
        var done = await WaitForJobAsync(next, j => j.Status.IsFinal(), agent);
        var cancelled = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == job));

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.Verdict);
        Assert.Equal("passed", done.Verdict);
        Assert.DoesNotContain(agent.Lines, l => l.Contains($"completed job {job}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_wait_exits_0_on_a_passing_kernel_3_on_a_wrong_one_and_1_when_the_portal_refuses_the_spec()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        await using var agent = StartAgent(partner, name);
        var device = await DeviceOfAsync(agent, name);
        string[] common = ["--portal", portal.BaseUrl, "--token", partner.ApiToken, "--target", $"device:{device}"];
        var invalid = AgentProcess.VectorAddSpec(Correct);
        await File.WriteAllTextAsync(invalid, """{ "op": "no_such_op", "language": "opencl-c", "entry": "k", "source": "x", "args": [] }""");

        var passing = await AgentProcess.RunAsync(["submit", AgentProcess.VectorAddSpec(Correct), .. common, "--wait"]);
        var wrong = await AgentProcess.RunAsync(["submit", AgentProcess.VectorAddSpec(Wrong), .. common, "--wait", "--json"]);
        var refused = await AgentProcess.RunAsync(["submit", invalid, .. common, "--wait"]);

        Assert.True(passing.ExitCode == 0, passing.Output + passing.Error);
        Assert.Contains(passing.Output.Split('\n'), l => l.StartsWith("job ", StringComparison.Ordinal) && l.Contains(": passed — ", StringComparison.Ordinal));
        Assert.Contains("1 of 1 passed", passing.Output);
        Assert.True(wrong.ExitCode == 3, wrong.Output + wrong.Error);
        var job = wrong.Json.GetProperty("jobs")[0];
        Assert.Equal("failed", job.GetProperty("verdict").GetString());
        Assert.Equal(0, job.GetProperty("result").GetProperty("cases")[0].GetProperty("firstMismatch").GetProperty("index").GetInt64());
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("HTTP 400", refused.Error);
        Assert.Contains("op", refused.Error);
    }

    [Fact]
    public async Task A_revoked_agent_stops_with_a_message_that_says_what_to_do()
    {
        var partner = await PartnerAsync();
        var name = AgentName();
        var state = StatePath();
        await using var agent = StartAgent(partner, name, state);
        await DeviceOfAsync(agent, name);

        await portal.WithDbAsync(async db =>
        {
            var revoked = await db.Agents.SingleAsync(a => a.Name == name);
            revoked.RevokedAt = DateTimeOffset.UtcNow;
            db.Actor = AuditActor.System;
            return await db.SaveChangesAsync();
        });
        // The next heartbeat (15 s) or lease call (after its 30 s wait) is refused.
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("refused the agent token", agent.Error);
        Assert.Contains($"delete {state}", agent.Error);
    }

    private RunningAgent StartAgent(Partner partner, string name, string? state = null, int drainSeconds = 60) =>
        RunningAgent.Start("run", "--portal", portal.BaseUrl, "--registration-token", partner.RegistrationToken, "--state", state ?? StatePath(),
            "--name", name, "--devices", Pocl, "--lease-seconds", AgentQueuePortal.LeaseSeconds.ToString(), "--drain-seconds", drainSeconds.ToString());

    private static string AgentName() => $"agent-{Guid.NewGuid():N}"[..18];

    private static string StatePath() => Path.Combine(AppContext.BaseDirectory, "agent-specs", $"{Guid.NewGuid():N}", "agent.json");

    /// <summary>A partner organisation with a developer (and their personal API token) and a registration token for its agents.</summary>
    private async Task<Partner> PartnerAsync()
    {
        var organization = await portal.AddOrganizationAsync($"Chips {Guid.NewGuid():N}"[..24], OrganizationKind.ChipDesigner);
        var developer = await portal.CreateUserAsync("Kernel Developer", false, (organization, MemberRole.Developer));
        var apiToken = await portal.MintTokenAsync(developer);
        // Stored as the portal stores the tokens an admin issues: only the SHA-256 of the secret and its first 12 characters.
        var registration = "cpr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        await portal.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.AgentRegistrationTokens.Add(new AgentRegistrationToken
            {
                OrganizationId = organization,
                Name = "tests",
                Prefix = registration[..12],
                SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(registration)),
                CreatedAt = now,
                ExpiresAt = now.AddDays(1),
            });
            db.Actor = AuditActor.System;
            return await db.SaveChangesAsync();
        });
        return new Partner(organization, apiToken, registration);
    }

    /// <summary>Waits for the agent to report its devices; answers the portal's id of its PoCL device.</summary>
    private async Task<Guid> DeviceOfAsync(RunningAgent agent, string name)
    {
        await agent.WaitForLineAsync(l => l.Contains($"device {Pocl} (", StringComparison.Ordinal), Patience);
        return await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.Agent!.Name == name && d.LocalId == Pocl && d.Present)
            .Select(d => d.Id).SingleAsync());
    }

    private Task<Guid> AgentIdAsync(string name) =>
        portal.WithDbAsync(db => db.Agents.Where(a => a.Name == name).Select(a => a.Id).SingleAsync());

    private Task MapToSkuAsync(Guid device, Guid sku) =>
        portal.WithDbAsync(async db =>
        {
            var row = await db.AgentDevices.SingleAsync(d => d.Id == device);
            row.SkuId = sku;
            row.SkuSetByHand = true;
            db.Actor = Portal.Data.Audit.AuditActor.System;
            return await db.SaveChangesAsync();
        });

    /// <summary>What a developer does: the spec as a new private test, then a run of it on one target; answers the run's one job.</summary>
    private async Task<Guid> SubmitAsync(Partner partner, string specFile, string target)
    {
        using var http = new HttpClient { BaseAddress = new Uri(portal.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", partner.ApiToken);
        using var spec = JsonDocument.Parse(await File.ReadAllTextAsync(specFile));
        var test = await Created(await http.PostAsJsonAsync("/api/v1/tests", new
        {
            name = $"vector_add {Guid.NewGuid():N}"[..19], description = "", visibility = "private", tags = Array.Empty<string>(), spec = spec.RootElement,
        }));
        var run = await Created(await http.PostAsJsonAsync($"/api/v1/tests/{test}/runs", new { targets = new[] { target } }));
        return await portal.WithDbAsync(db => db.Jobs.Where(j => j.RunId == run).Select(j => j.Id).SingleAsync());

        static async Task<Guid> Created(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }
    }

    /// <summary>What the user API's cancel does (it calls the queue's cancel).</summary>
    private Task CancelAsync(Guid job) =>
        portal.InScopeAsync(services => services.GetRequiredService<JobQueue>().CancelAsync(job, "cancelled by the test", DateTimeOffset.UtcNow,
            CancellationToken.None));

    /// <summary>Polls the job's row until it meets the condition; the failure shows the job and what the agent said.</summary>
    private async Task<Job> WaitForJobAsync(Guid id, Func<Job, bool> condition, RunningAgent agent)
    {
        var clock = Stopwatch.StartNew();
        Job job;
        do
        {
            job = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));
            if (condition(job))
                return job;
            await Task.Delay(250);
        }
        while (clock.Elapsed < Patience);
        throw new TimeoutException($"Job {id} is {job.Status} (attempts {job.Attempts}, verdict {job.Verdict ?? "none"}, " +
                                   $"reason {job.FailureReason ?? "none"}) after {Patience.TotalSeconds:0} s.\nagent stdout:\n{agent.Output}\n" +
                                   $"agent stderr:\n{agent.Error}");
    }
}
