using Portal.Agent.Cli;
using Portal.Agent.Queue;

namespace Portal.Tests.Agent;

/// <summary>How <c>Portal.Agent run</c> reads its command line and environment, and how it refuses a bad one.</summary>
public sealed class AgentRunCommandLineTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static AgentRunOptions Parse(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunCommand.Parse(AgentCli.Parse("run", args), environment.GetValueOrDefault);

    [Fact]
    public void Every_option_is_read_from_the_command_line()
    {
        var options = Parse(NoEnvironment, "--portal", "https://portal.example.org", "--registration-token", "cpr_abc", "--state", "/tmp/a.json",
            "--name", "rack-7", "--devices", "opencl:0:0, cuda:1", "--lease-seconds", "9", "--drain-seconds", "5");

        Assert.Equal(new Uri("https://portal.example.org"), options.Portal);
        Assert.Equal("cpr_abc", options.RegistrationToken);
        Assert.Null(options.AgentToken);
        Assert.Equal("/tmp/a.json", options.StatePath);
        Assert.Equal("rack-7", options.Name);
        Assert.Equal(["opencl:0:0", "cuda:1"], options.Devices);
        Assert.Equal(TimeSpan.FromSeconds(9), options.LeaseLength);
        Assert.Equal(TimeSpan.FromSeconds(5), options.DrainGrace);
    }

    [Fact]
    public void The_environment_fills_in_what_the_command_line_leaves_out_and_the_command_line_wins()
    {
        Dictionary<string, string> environment = new()
        {
            ["PORTAL_URL"] = "http://portal:8080", ["PORTAL_REGISTRATION_TOKEN"] = "cpr_env", ["PORTAL_AGENT_STATE"] = "/state/agent.json",
            ["PORTAL_AGENT_TOKEN"] = "cpa_env",
        };

        var fromEnvironment = Parse(environment);
        var overridden = Parse(environment, "--portal", "http://other:9090", "--token", "cpa_flag");

        Assert.Equal(new Uri("http://portal:8080"), fromEnvironment.Portal);
        Assert.Equal("cpr_env", fromEnvironment.RegistrationToken);
        Assert.Equal("cpa_env", fromEnvironment.AgentToken);
        Assert.Equal("/state/agent.json", fromEnvironment.StatePath);
        Assert.Equal(Environment.MachineName, fromEnvironment.Name);
        Assert.Null(fromEnvironment.Devices);
        Assert.Null(fromEnvironment.LeaseLength);
        Assert.Equal(AgentRunOptions.DefaultDrainGrace, fromEnvironment.DrainGrace);
        Assert.Equal(new Uri("http://other:9090"), overridden.Portal);
        Assert.Equal("cpa_flag", overridden.AgentToken);
    }

    [Theory]
    [InlineData("a token of the wrong kind is named", "use --registration-token", "--portal", "http://p", "--token", "cpr_swapped")]
    [InlineData("a registration token of the wrong kind is named", "use --token", "--portal", "http://p", "--registration-token", "cpa_swapped")]
    [InlineData("the portal is required", "--portal (or PORTAL_URL) is missing", "--token", "cpa_x")]
    [InlineData("the portal is an http address", "http(s) address", "--portal", "ftp://p", "--token", "cpa_x")]
    [InlineData("the lease is at least 3 s", "--lease-seconds must be a whole number from 3", "--portal", "http://p", "--token", "cpa_x", "--lease-seconds", "1")]
    [InlineData("the grace is a number", "--drain-seconds must be a whole number", "--portal", "http://p", "--token", "cpa_x", "--drain-seconds", "soon")]
    [InlineData("unknown options are refused", "Unrecognized command or argument '--jobs'", "--portal", "http://p", "--token", "cpa_x", "--jobs", "2")]
    [InlineData("a stray argument is refused", "Unrecognized command or argument 'now'", "--portal", "http://p", "--token", "cpa_x", "now")]
    [InlineData("an option needs its value", "Required argument missing for option: '--name'", "--portal", "http://p", "--token", "cpa_x", "--name")]
    public void A_bad_command_line_says_what_is_wrong(string because, string message, params string[] args)
    {
        var refused = Assert.Throws<CommandLineException>(() => Parse(NoEnvironment, args));

        Assert.True(refused.Message.Contains(message, StringComparison.Ordinal), $"{because}: got '{refused.Message}'");
    }

    [Fact]
    public async Task Without_any_token_or_saved_state_run_exits_2_and_says_how_to_register()
    {
        var state = Path.Combine(AppContext.BaseDirectory, "agent-specs", $"{Guid.NewGuid():N}", "agent.json");

        var run = await AgentProcess.RunAsync("run", "--portal", "http://127.0.0.1:1", "--state", state);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has not registered yet", run.Error);
        Assert.Contains("--registration-token", run.Error);
    }

    [Fact]
    public async Task A_device_that_is_not_on_this_host_is_a_usage_error_that_lists_the_ones_that_are()
    {
        var run = await AgentProcess.RunAsync("run", "--portal", "http://127.0.0.1:1", "--token", "cpa_x", "--devices", "cuda:7");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("there is no device cuda:7 on this host", run.Error);
        Assert.Contains("opencl:0:0", run.Error);
    }

    [Fact]
    public async Task An_agent_that_cannot_reach_the_portal_keeps_trying_and_stops_cleanly_on_SIGTERM()
    {
        var state = Path.Combine(AppContext.BaseDirectory, "agent-specs", $"{Guid.NewGuid():N}", "agent.json");
        await using var agent = RunningAgent.Start("run", "--portal", "http://127.0.0.1:1", "--registration-token", "cpr_unused", "--state", state);

        await agent.WaitForLineAsync(l => l.Contains("could not register", StringComparison.Ordinal) && l.Contains("trying again in 2 s",
            StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Contains(agent.Lines, l => l.Contains("SIGTERM: no new jobs", StringComparison.Ordinal));
        Assert.EndsWith("stopped", agent.Lines[^1]);
        Assert.False(File.Exists(state), "nothing was registered, so nothing was saved");
    }

    [Fact]
    public async Task Ctrl_C_stops_the_agent_as_cleanly_as_SIGTERM()
    {
        await using var agent = RunningAgent.StartAsFromATerminal("run", "--portal", "http://127.0.0.1:1", "--token", "cpa_unused");

        await agent.WaitForLineAsync(l => l.Contains("could not report devices", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        agent.Interrupt();
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Contains(agent.Lines, l => l.Contains("SIGINT: no new jobs", StringComparison.Ordinal));
        Assert.EndsWith("stopped", agent.Lines[^1]);
    }

    [Fact]
    public async Task An_agent_started_with_SIGINT_ignored_stays_up_on_SIGINT_and_still_drains_on_SIGTERM()
    {
        // When PoCL (and with it LLVM, whose signal handlers put back what was there before them at their first signal)
        // was loaded into the agent, this aborted the agent (exit 134) in about 1 run of 10; now devices are listed by a child.
        await using var agent = RunningAgent.StartIgnoringInterrupts("run", "--portal", "http://127.0.0.1:1", "--token", "cpa_unused");

        await agent.WaitForLineAsync(l => l.Contains("could not report devices", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        agent.Interrupt();
        await agent.WaitForLineAsync(l => l.Contains("trying again in 4 s", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.DoesNotContain(agent.Lines, l => l.Contains("SIGINT", StringComparison.Ordinal));
        Assert.Contains(agent.Lines, l => l.Contains("SIGTERM: no new jobs", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // reads /proc
    public async Task The_running_agent_has_its_devices_listed_by_a_child_and_loads_no_driver_itself()
    {
        await using var agent = RunningAgent.Start("run", "--portal", "http://127.0.0.1:1", "--token", "cpa_unused");
        await agent.WaitForLineAsync(l => l.Contains("could not report devices", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var libraries = await File.ReadAllTextAsync($"/proc/{agent.Id}/maps");
        Assert.DoesNotContain("libOpenCL", libraries, StringComparison.Ordinal);
        Assert.DoesNotContain("libpocl", libraries, StringComparison.Ordinal);
        Assert.DoesNotContain("libLLVM", libraries, StringComparison.Ordinal);
        // The child did find this host's PoCL device, and the agent serves it.
        Assert.Contains(agent.Lines, l => l.Contains("serving opencl:0:0 (", StringComparison.Ordinal));
    }

    [Fact]
    public void A_device_list_from_the_child_is_read_with_its_languages_and_a_broken_one_is_refused_with_a_reason()
    {
        var devices = ChildDiscovery.Parse("""
            [{"id": "opencl:0:0", "runtime": "opencl", "name": "pthread-haswell", "vendor": "AuthenticAMD", "driverVersion": "3.1",
              "runtimeVersion": "OpenCL 3.0 PoCL", "globalMemoryBytes": 1024, "computeUnits": 2, "languages": ["opencl-c", "fortran"],
              "copyBandwidthGbPerSecond": 21.5},
             {"id": "opencl:0:1", "runtime": "opencl", "name": "other", "vendor": "x", "driverVersion": "1", "runtimeVersion": "OpenCL 3.0",
              "globalMemoryBytes": 1024, "computeUnits": 1, "languages": ["opencl-c"], "copyBandwidthProblem": "the copy-bandwidth probe failed: out of memory"}]
            """);

        var device = devices[0];
        Assert.Equal(("opencl:0:0", "pthread-haswell", 1024L, 2), (device.Id, device.Name, device.GlobalMemoryBytes, device.ComputeUnits));
        // The copy bandwidth the child measured travels to the agent, and so to the portal; a failed probe brings its reason.
        Assert.Equal(21.5, device.CopyBandwidthGbPerSecond);
        Assert.Equal((null, "the copy-bandwidth probe failed: out of memory"), (devices[1].CopyBandwidthGbPerSecond, devices[1].CopyBandwidthProblem));
        Assert.Equal([KernelLanguage.OpenClC], device.Languages);
        var broken = Assert.Throws<DeviceDiscoveryException>(() => ChildDiscovery.Parse("warning: no ICD found\n[]"));
        Assert.Contains("not the expected JSON", broken.Message, StringComparison.Ordinal);
    }
}
