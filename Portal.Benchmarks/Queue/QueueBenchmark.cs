using System.Diagnostics;
using System.Globalization;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// The queue benchmark against a running portal: set-up (organisation, registration token, synthetic agents, their
/// qualification jobs drained), fill (one test, jobs queued through the runs API; not timed), throughput (every agent
/// leases and completes until the queue is empty) and idle pick-up (single jobs submitted to long-polling agents).
/// </summary>
public sealed class QueueBenchmark(QueueBenchmarkOptions options, TextWriter progress)
{
    /// <summary>Throughput-phase lease calls ask for no wait: with a full queue there is always a job, and 204 means done.</summary>
    private const int NoWait = 0;

    public async Task<QueueReport> RunAsync(CancellationToken cancellationToken)
    {
        // A connection per agent, one more for each long poll's neighbour call, and the submitting user's.
        using var http = new PortalHttp(options.Url, 2 * options.Agents + options.FillParallel + 4);
        var user = new PortalUser(http.Connection(options.Token));
        var cpu = new CpuUsage(options.PortalPid, options.PostgresPid);
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

        progress.WriteLine($"==> set-up: organisation, registration token, {options.Agents} synthetic agents");
        var clock = Stopwatch.StartNew();
        var organization = await user.CreateOrganizationAsync($"Queue Bench {stamp}", cancellationToken);
        var registration = await user.CreateRegistrationTokenAsync(organization, cancellationToken);
        var agents = await RegisterAsync(http, registration, cancellationToken);
        var registered = clock.Elapsed.TotalSeconds;

        // Each new device gets the conformance suite queued; the agents drain it first, so that only the benchmark's own
        // jobs are timed (it also warms the portal's JIT and connection pools up).
        clock.Restart();
        var drained = (await Task.WhenAll(agents.Select(a => DrainAsync(a, null, null, cancellationToken)))).Sum();
        var setup = new SetupFigures(agents.Count, registered, drained, clock.Elapsed.TotalSeconds);
        progress.WriteLine($"    {agents.Count} agents in {registered:F1} s; {drained} qualification jobs drained in {setup.DrainSeconds:F1} s");

        var test = await user.CreateTestAsync(organization, $"queue bench {stamp}", cancellationToken);
        var warmup = await WarmUpAsync(user, test, agents, cancellationToken);
        var fill = await FillAsync(user, test, agents, options.Jobs, cancellationToken);
        var throughput = await ThroughputAsync(agents, cpu, fill.Jobs, cancellationToken);
        var pickUp = options.Samples > 0 ? await PickUpAsync(user, test, agents, cpu, cancellationToken) : null;

        return new QueueReport(DateTimeOffset.UtcNow, options.Url.ToString(), options.Agents, Environment.ProcessorCount, setup, warmup, fill,
            throughput, pickUp, QueueAims.Judge(throughput, pickUp));
    }

    private async Task<List<SyntheticAgent>> RegisterAsync(PortalHttp http, string registrationToken, CancellationToken cancellationToken)
    {
        var registrar = http.Agent(registrationToken);
        var agents = new SyntheticAgent?[options.Agents];
        await Parallel.ForAsync(0, options.Agents, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var registered = await SyntheticAgent.RegisterAsync(registrar, $"bench-agent-{i:D4}", token);
                var agent = new SyntheticAgent(http.Agent(registered.Token), registered);
                await agent.ReportDeviceAsync(token);
                agents[i] = agent;
            });
        return [.. agents.Select(a => a!)];
    }

    /// <summary>
    /// Leases and completes until the portal has nothing more for the agent; answers how many it completed. Unless the
    /// calls are separate, each completion asks for the next job and a lease call is made only when none came with it.
    /// </summary>
    private async Task<int> DrainAsync(SyntheticAgent agent, LatencyRecorder? leases, LatencyRecorder? completions,
        CancellationToken cancellationToken)
    {
        var completed = 0;
        JobLease? lease = null;
        while (true)
        {
            long start;
            if (lease is null)
            {
                start = Stopwatch.GetTimestamp();
                lease = await agent.LeaseAsync(NoWait, cancellationToken);
                leases?.Since(start);
                if (lease is null)
                    return completed;
            }
            start = Stopwatch.GetTimestamp();
            lease = await agent.CompleteAsync(lease, askNext: !options.SeparateCalls, cancellationToken);
            completions?.Since(start);
            completed++;
        }
    }

    /// <summary>
    /// Jobs through the same calls as the timed phase, untimed: a portal just started runs its hot paths as unoptimised
    /// and instrumented code for a while (tiered compilation), and compiles on the same cores the benchmark measures.
    /// </summary>
    private async Task<WarmupFigures> WarmUpAsync(PortalUser user, Guid test, IReadOnlyList<SyntheticAgent> agents,
        CancellationToken cancellationToken)
    {
        if (options.Warmup == 0)
            return new WarmupFigures(0, 0);
        progress.WriteLine($"==> warm-up (not timed): {options.Warmup} jobs queued and drained");
        var clock = Stopwatch.StartNew();
        var queued = await FillAsync(user, test, agents, options.Warmup, cancellationToken);
        var drained = (await Task.WhenAll(agents.Select(a => Task.Run(() => DrainAsync(a, null, null, cancellationToken), cancellationToken)))).Sum();
        if (drained != queued.Jobs)
            throw new BenchmarkException($"the agents drained {drained} warm-up jobs, not the {queued.Jobs} queued: something else is leasing them");
        return new WarmupFigures(drained, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Runs of up to one job per agent (a run takes each target once), so every agent gets the same share and the
    /// agents finish together; several runs are submitted at a time.
    /// </summary>
    private async Task<FillFigures> FillAsync(PortalUser user, Guid test, IReadOnlyList<SyntheticAgent> agents, int jobs,
        CancellationToken cancellationToken)
    {
        var targets = agents.Select(a => $"device:{a.DeviceId}").ToArray();
        var runs = (jobs + targets.Length - 1) / targets.Length;
        progress.WriteLine($"==> fill (not timed): {jobs} jobs in {runs} runs through POST /api/v1/tests/{{id}}/runs");
        var clock = Stopwatch.StartNew();
        var queued = 0;
        await Parallel.ForAsync(0, runs, new ParallelOptions { MaxDegreeOfParallelism = options.FillParallel, CancellationToken = cancellationToken },
            async (run, token) =>
            {
                var size = Math.Min(targets.Length, jobs - run * targets.Length);
                var created = await user.SubmitRunAsync(test, targets[..size], token);
                if (created.Jobs.Count != size)
                    throw new BenchmarkException($"run {created.Id} holds {created.Jobs.Count} jobs, not the {size} submitted");
                Interlocked.Add(ref queued, size);
            });
        var fill = new FillFigures(queued, runs, clock.Elapsed.TotalSeconds);
        progress.WriteLine($"    {fill.Jobs} jobs queued in {fill.Seconds:F1} s ({fill.Runs / fill.Seconds:F0} runs/s)");
        return fill;
    }

    private async Task<ThroughputFigures> ThroughputAsync(IReadOnlyList<SyntheticAgent> agents, CpuUsage cpu, int expected,
        CancellationToken cancellationToken)
    {
        progress.WriteLine(options.SeparateCalls
            ? $"==> throughput: {agents.Count} agents lease (waitSeconds {NoWait}) → complete until the queue is empty"
            : $"==> throughput: {agents.Count} agents complete each job asking for the next (a lease call only when none came) until the queue is empty");
        var leases = agents.Select(_ => new LatencyRecorder()).ToArray();
        var completions = agents.Select(_ => new LatencyRecorder()).ToArray();
        var before = cpu.Take();
        var counts = await Task.WhenAll(agents.Select((a, i) => Task.Run(() => DrainAsync(a, leases[i], completions[i], cancellationToken), cancellationToken)));
        var usage = CpuUsage.Between(before, cpu.Take());
        var completed = counts.Sum();
        if (completed != expected)
            throw new BenchmarkException($"the agents completed {completed} jobs, not the {expected} queued: something else is leasing them");
        return new ThroughputFigures(completed, usage.WallSeconds, completed / usage.WallSeconds, options.SeparateCalls, LatencyRecorder.Summarise(leases),
            LatencyRecorder.Summarise(completions), usage);
    }

    /// <summary>
    /// Every agent waits in a long poll; one job at a time is submitted for one of them, in turn, and the time from the
    /// start of the submit call to the moment that agent has read its lease answer is recorded.
    /// </summary>
    private async Task<PickUpFigures> PickUpAsync(PortalUser user, Guid test, IReadOnlyList<SyntheticAgent> agents, CpuUsage cpu,
        CancellationToken cancellationToken)
    {
        progress.WriteLine($"==> idle pick-up: {options.Samples} single jobs to agents waiting in {LongPollingAgent.WaitSeconds} s long polls");
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pollers = agents.Select(a => new LongPollingAgent(a)).ToList();
        var running = Task.WhenAll(pollers.Select(p => Task.Run(() => p.RunAsync(phase.Token), phase.Token)));
        var pickUps = new LatencyRecorder();
        var submits = new LatencyRecorder();
        CpuUsage.Snapshot before;
        try
        {
            await Task.WhenAll(pollers.Select(p => p.Waiting));
            // Let every first long poll reach the portal and park before anything is measured.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            before = cpu.Take();
            for (var i = 0; i < options.Samples; i++)
            {
                var poller = pollers[i % pollers.Count];
                await poller.Waiting.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
                var next = poller.NextLease;
                var start = Stopwatch.GetTimestamp();
                var run = await user.SubmitRunAsync(test, [$"device:{poller.Agent.DeviceId}"], cancellationToken);
                submits.Since(start);
                var first = await Task.WhenAny(next, running, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
                if (first == running)
                    await running; // an agent stopped: its exception says why
                if (first != next)
                    throw new BenchmarkException($"sample {i}: the waiting agent did not receive job {run.Jobs[0].Id} within 60 s");
                var (lease, receivedAt) = await next;
                if (lease.JobId != run.Jobs[0].Id)
                    throw new BenchmarkException($"sample {i}: the agent received job {lease.JobId}, not the submitted {run.Jobs[0].Id}");
                pickUps.Add(Stopwatch.GetElapsedTime(start, receivedAt).TotalMilliseconds);
                await Task.Delay(options.SpacingMs, cancellationToken);
            }
        }
        finally
        {
            await phase.CancelAsync();
            // The pollers end on the cancellation; a failure of theirs has been raised above already.
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
        }
        return new PickUpFigures(pickUps.Summarise().Count, pickUps.Summarise(), submits.Summarise(), CpuUsage.Between(before, cpu.Take()));
    }
}
