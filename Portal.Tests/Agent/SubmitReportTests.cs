using System.Text.Json;
using Portal.Agent.Submit;

namespace Portal.Tests.Agent;

/// <summary>What <c>submit --wait</c> makes of the portal's run documents: progress lines, the result table, the exit code.</summary>
public sealed class SubmitReportTests
{
    private const string Job1 = "0193c1a2-0000-7000-8000-000000000001";
    private const string Job2 = "0193c1a2-0000-7000-8000-000000000002";

    private const string Passed = """
        { "status": "passed", "message": "all 3 cases passed", "cases": [],
          "timing": { "params": { "n": 65537 }, "iterations": 5, "medianMs": 0.125, "minMs": 0.1, "p90Ms": 0.2, "meanMs": 0.13,
                      "stdMs": 0.01, "maxMs": 0.3, "gbPerSecond": 6.29, "gflopPerSecond": 0.5 } }
        """;

    private const string Failed = """
        { "status": "failed", "message": "cases[0] (n=1): 1 of 1 elements wrong", "cases": [] }
        """;

    private static string Device(string name, string? sku = null) =>
        $$"""{ "id": "0193c1a2-0000-7000-8000-0000000000d1", "name": "{{name}}", "sku": {{(sku is null ? "null" : $"\"{sku}\"")}} }""";

    private static string Job(string id, string status, string? device = null, string? verdict = null, string? result = null, string? failure = null) =>
        $$"""
        { "id": "{{id}}", "device": {{device ?? "null"}}, "status": "{{status}}", "verdict": {{(verdict is null ? "null" : $"\"{verdict}\"")}},
          "result": {{result ?? "null"}}, "failureReason": {{(failure is null ? "null" : $"\"{failure}\"")}} }
        """;

    private static RunSnapshot Run(params string[] jobs) =>
        JsonSerializer.Deserialize<RunSnapshot>($$"""{ "id": "0193c1a2-0000-7000-8000-0000000000aa", "status": "x", "jobs": [{{string.Join(",", jobs)}}] }""",
            AgentProtocol.Json)!;

    [Fact]
    public void Every_job_passed_exits_0()
    {
        var run = Run(Job(Job1, "completed", Device("PoCL"), "passed", Passed), Job(Job2, "completed", Device("H200"), "passed", Passed));

        Assert.True(run.IsFinished);
        Assert.Equal(0, RunReport.ExitCode(run));
    }

    [Theory]
    [InlineData("completed", "failed")]
    [InlineData("completed", "compile_error")]
    [InlineData("completed", "timeout")]
    [InlineData("failed", null)]
    [InlineData("cancelled", null)]
    public void One_job_that_did_not_pass_exits_3(string status, string? verdict)
    {
        var run = Run(Job(Job1, "completed", Device("PoCL"), "passed", Passed), Job(Job2, status, Device("H200"), verdict,
            verdict is null ? null : Failed, verdict is null ? "the lease expired on each of 3 attempt(s)" : null));

        Assert.True(run.IsFinished);
        Assert.Equal(3, RunReport.ExitCode(run));
    }

    [Fact]
    public void A_run_without_jobs_proves_nothing_and_exits_3()
    {
        Assert.Equal(3, RunReport.ExitCode(Run()));
    }

    [Fact]
    public void A_run_is_not_finished_while_a_job_waits_runs_or_retries()
    {
        foreach (var status in new[] { "queued", "leased", "running", "retrying" })
            Assert.False(Run(Job(Job1, "completed", Device("PoCL"), "passed", Passed), Job(Job2, status)).IsFinished, status);
    }

    [Fact]
    public void Progress_prints_each_change_once_as_the_job_moves_from_queued_to_its_verdict()
    {
        var progress = new RunProgress();
        var device = Device("PoCL", "CPU (PoCL)");

        var lines = new[]
        {
            progress.Update(Run(Job(Job1, "queued"))),
            progress.Update(Run(Job(Job1, "queued"))),
            progress.Update(Run(Job(Job1, "leased", device))),
            progress.Update(Run(Job(Job1, "running", device))),
            progress.Update(Run(Job(Job1, "running", device))),
            progress.Update(Run(Job(Job1, "completed", device, "failed", Failed))),
        };

        Assert.Equal(
        [
            [$"job {Job1}: queued"],
            [],
            [$"job {Job1} on PoCL [CPU (PoCL)]: leased"],
            [$"job {Job1} on PoCL [CPU (PoCL)]: running"],
            [],
            [$"job {Job1} on PoCL [CPU (PoCL)]: failed — cases[0] (n=1): 1 of 1 elements wrong"],
        ], lines.Select(l => l.ToArray()));
    }

    [Fact]
    public void Progress_reports_a_retry_and_a_job_that_ran_out_of_attempts_with_its_reason()
    {
        var progress = new RunProgress();
        progress.Update(Run(Job(Job1, "running", Device("PoCL"))));

        var retry = progress.Update(Run(Job(Job1, "retrying", Device("PoCL"))));
        var failed = progress.Update(Run(Job(Job1, "failed", Device("PoCL"), failure: "the lease expired on each of 3 attempt(s)")));

        Assert.Equal([$"job {Job1} on PoCL: retrying (its agent stopped reporting)"], retry);
        Assert.Equal([$"job {Job1} on PoCL: failed — the lease expired on each of 3 attempt(s)"], failed);
    }

    [Fact]
    public void The_table_lines_up_device_verdict_timing_and_message_and_counts_the_passes()
    {
        var run = Run(Job(Job1, "completed", Device("PoCL"), "passed", Passed), Job(Job2, "completed", Device("NVIDIA H200"), "failed", Failed));

        var lines = RunReport.Table(run).Split('\n');

        Assert.Equal("device       verdict  median ms  GB/s  message", lines[0]);
        Assert.Equal("PoCL         passed       0.125   6.3  all 3 cases passed", lines[1]);
        Assert.Equal("NVIDIA H200  failed           -     -  cases[0] (n=1): 1 of 1 elements wrong", lines[2]);
        Assert.Equal("1 of 2 passed", lines[3]);
    }
}
