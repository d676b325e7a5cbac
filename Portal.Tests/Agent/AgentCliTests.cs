using System.Diagnostics;

namespace Portal.Tests.Agent;

/// <summary>The agent's command line on this host's PoCL device: verdicts are data, the agent survives its kernels.</summary>
public sealed class AgentCliTests
{
    private const string Correct = "if (i < n) z[i] = x[i] + y[i];";

    [Fact]
    public async Task Devices_lists_the_PoCL_device_with_the_languages_it_accepts()
    {
        var text = await AgentProcess.RunAsync("devices");
        var json = await AgentProcess.RunAsync("devices", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("opencl:0:0", text.Output);
        var device = json.Json.EnumerateArray().First(d => d.GetProperty("id").GetString()!.StartsWith("opencl:", StringComparison.Ordinal));
        Assert.Contains("opencl-c", device.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.True(device.GetProperty("computeUnits").GetInt32() > 0);
        Assert.True(device.GetProperty("globalMemoryBytes").GetInt64() > 0);
        // Measured once here, in the listing child the agent starts, and reported with the device.
        Assert.True(device.GetProperty("copyBandwidthGbPerSecond").GetDouble() > 0);
        Assert.Contains("device-to-device copy:", text.Output);
    }

    /// <summary>Issue 10: `devices --json` printed [] on a busy host whose discovery had not worked. Now it says so and fails.</summary>
    [Theory]
    [InlineData("--json")]
    [InlineData(null)]
    public async Task Devices_whose_discovery_runs_out_of_time_exit_non_zero_and_say_why(string? json)
    {
        string[] args = json is null ? ["devices", "--discovery-timeout", "0.001"] : ["devices", json, "--discovery-timeout", "0.001"];
        var run = await AgentProcess.RunAsync(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("took longer than 1 ms", run.Error);
        Assert.Contains("--discovery-timeout", run.Error);
        Assert.DoesNotContain("[]", run.Output);
    }

    [Fact]
    public async Task The_discovery_timeout_can_be_set_in_the_environment()
    {
        var run = await AgentProcess.RunAsync(new Dictionary<string, string> { ["PORTAL_AGENT_DISCOVERY_TIMEOUT"] = "0.001" }, "devices", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("took longer than", run.Error);
        Assert.Equal("", run.Output.Trim());
    }

    [Fact]
    public async Task A_host_without_an_OpenCL_driver_lists_no_devices_exits_zero_and_says_how_to_install_PoCL()
    {
        var empty = Directory.CreateTempSubdirectory("no-icd-");
        try
        {
            // Both OpenCL loaders (ocl-icd, Khronos) read their vendor folder from these: an empty one is a host without a driver.
            var environment = new Dictionary<string, string> { ["OCL_ICD_VENDORS"] = empty.FullName, ["OPENCL_VENDOR_PATH"] = empty.FullName };
            var run = await AgentProcess.RunAsync(environment, "devices", "--json");

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal(0, run.Json.GetArrayLength());
            Assert.Contains("no devices found", run.Error);
            Assert.Contains("PoCL", run.Error);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_discovery_timeout_is_a_usage_error()
    {
        var run = await AgentProcess.RunAsync("devices", "--discovery-timeout", "soon");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--discovery-timeout", run.Error);
    }

    /// <summary>The agent's own discovery (a `devices --json` child) that fails is logged and tried again, not taken for "no devices".</summary>
    [Fact]
    public async Task Run_logs_a_failed_discovery_and_tries_again_until_it_is_stopped()
    {
        await using var agent = RunningAgent.Start(new Dictionary<string, string> { ["PORTAL_AGENT_DISCOVERY_TIMEOUT"] = "0.001" },
            "run", "--portal", "http://127.0.0.1:9", "--token", "cpa_not-a-real-token", "--state", Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json"));

        var first = await agent.WaitForLineAsync(l => l.Contains("device discovery failed", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        Assert.Contains("took longer than 1 ms", first);
        Assert.Contains("trying again in", first);
        await agent.WaitForLineAsync(_ => agent.Lines.Count(l => l.Contains("device discovery failed", StringComparison.Ordinal)) >= 2,
            TimeSpan.FromMinutes(2));
        agent.Terminate();

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopped", agent.Lines.Last());
    }

    [Fact]
    public async Task Exec_gives_the_result_contract_for_a_spec_it_has_never_seen()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("passed", run.Json.GetProperty("status").GetString());
        Assert.StartsWith("opencl:", run.Json.GetProperty("device").GetProperty("id").GetString());
        Assert.Equal(3, run.Json.GetProperty("cases").GetArrayLength());
        Assert.True(run.Json.GetProperty("timing").GetProperty("medianMs").GetDouble() > 0);
    }

    [Fact]
    public async Task A_wrong_kernel_fails_and_the_agent_still_exits_zero()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec("if (i < n - 1) z[i] = x[i] + y[i];"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("failed", run.Json.GetProperty("status").GetString());
        var mismatch = run.Json.GetProperty("cases")[0].GetProperty("firstMismatch");
        Assert.Equal(0, mismatch.GetProperty("index").GetInt64());
    }

    [Fact]
    public async Task An_endless_loop_times_out_within_its_limit_and_the_next_spec_still_runs()
    {
        var clock = Stopwatch.StartNew();
        var hung = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec("while (n > 0) { z[i] = x[i] + 1.0f; }", timeoutSeconds: 2));
        var elapsed = clock.Elapsed;
        var next = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct));

        Assert.Equal("timeout", hung.Json.GetProperty("status").GetString());
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"the timeout took {elapsed}");
        Assert.Equal("passed", next.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_wild_write_gives_crashed_or_runtime_error_and_the_agent_survives()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(
            "__global float* wild = (__global float*)((ulong)0x10); wild[i * 4096] = 1.0f; if (i < n) z[i] = x[i] + y[i];"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Json.GetProperty("status").GetString(), new[] { "crashed", "runtime_error" });
    }

    [Fact]
    public async Task A_language_no_device_accepts_is_unsupported_not_a_crash()
    {
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct, language: "cuda-c"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("unsupported", run.Json.GetProperty("status").GetString());
        Assert.Contains("cuda-c", run.Json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_invalid_spec_is_a_verdict_while_an_unreadable_file_or_bad_usage_is_not()
    {
        var invalid = AgentProcess.VectorAddSpec("");
        await File.WriteAllTextAsync(invalid, """{ "op": "no_such_op", "language": "opencl-c", "entry": "k", "source": "x", "args": [] }""");

        var verdict = await AgentProcess.RunAsync("exec", invalid);
        var missing = await AgentProcess.RunAsync("exec", "/nonexistent/spec.json");
        var usage = await AgentProcess.RunAsync("exec");

        Assert.Equal(0, verdict.ExitCode);
        Assert.Equal("invalid_spec", verdict.Json.GetProperty("status").GetString());
        Assert.Contains("op", verdict.Json.GetProperty("message").GetString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cannot read", missing.Error);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task Exec_writes_the_result_to_out_as_well()
    {
        var outFile = Path.Combine(AppContext.BaseDirectory, "agent-specs", $"result-{Guid.NewGuid():N}.json");
        var run = await AgentProcess.RunAsync("exec", AgentProcess.VectorAddSpec(Correct), "--device", "opencl:0:0", "--out", outFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\"status\": \"passed\"", await File.ReadAllTextAsync(outFile));
    }

    [Fact]
    public async Task The_OpenCL_conformance_suite_passes_on_PoCL_through_the_command_line()
    {
        var run = await AgentProcess.RunAsync("suite", "--language", "opencl-c");

        Assert.Equal(0, run.ExitCode);
        // Suite v2: every op's f32 kernel and the dtype variants (matmul.bf16, reduce_sum.f16, …).
        var count = Portal.Kernels.Suite.ConformanceSuite.For(KernelLanguage.OpenClC).Count;
        Assert.Contains($"{count} of {count} passed", run.Output);
        foreach (var kernel in Portal.Kernels.Suite.ConformanceSuite.For(KernelLanguage.OpenClC).Select(e => e.Name))
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(kernel)}\s+opencl-c\s+\S+\s+passed", run.Output);
    }

    [Fact]
    public async Task Suite_controls_runs_every_opencl_control_kernel_and_counts_those_that_failed()
    {
        var run = await AgentProcess.RunAsync("suite", "--controls", "--language", "opencl-c");

        Assert.Equal(0, run.ExitCode);
        var count = Portal.Kernels.Suite.ControlKernels.For(KernelLanguage.OpenClC).Count;
        Assert.Matches($@"\d+ of {count} controls failed as they must", run.Output);
        Assert.Matches(@"softmax\s+unstable\s+opencl-c\s+\S+\s+failed", run.Output);
        Assert.Matches(@"reduce_sum\s+race\s+opencl-c\s+\S+\s+failed", run.Output);
    }
}
