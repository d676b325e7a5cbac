using Portal.Agent.Cli;

namespace Portal.Tests.Agent;

/// <summary>The agent's command line (System.CommandLine): help for every command and option, usage errors that name the option.</summary>
public sealed class AgentHelpTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AgentCommands.RunAsync(args, output, error, _ => null, TimeProvider.System, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var help = await RunAsync("--help");

        Assert.Equal(0, help.Exit);
        foreach (var command in AgentCommandNames)
            Assert.Contains($"  {command}", help.Output);
    }

    /// <summary>The usage line names the program, not the executable file (the single file is "Portal.Agent", which the
    /// root command read as "Portal" and a test host as "testhost").</summary>
    [Fact]
    public async Task Help_names_the_program_Portal_Agent_and_a_command_s_help_names_it_too()
    {
        var help = await RunAsync("--help");
        var exec = await RunAsync("exec", "--help");
        var version = await RunAsync("--version");

        Assert.Contains("Portal.Agent [command] [options]", help.Output);
        Assert.Contains("Portal.Agent exec [<arguments>] [options]", exec.Output);
        Assert.Equal(0, version.Exit);
        Assert.False(string.IsNullOrWhiteSpace(version.Output));
    }

    public static readonly string[] AgentCommandNames = ["devices", "exec", "suite", "run", "submit", "verify", "enroll", "fetch-suite", "install-service"];

    [Theory]
    [InlineData("run", "--registration-token")]
    [InlineData("submit", "--visibility")]
    [InlineData("devices", "--discovery-timeout")]
    [InlineData("exec", "--device")]
    [InlineData("suite", "--controls")]
    [InlineData("suite", "--offline")]
    [InlineData("exec", "--offline")]
    [InlineData("verify", "--public-key")]
    [InlineData("enroll", "--key-file")]
    [InlineData("fetch-suite", "--out")]
    public async Task Every_command_has_help_that_describes_its_options(string command, string option)
    {
        var help = await RunAsync(command, "--help");

        Assert.Equal(0, help.Exit);
        var line = help.Output.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.True(line.Trim().Length > option.Length + 12, $"'{line}' has no description");
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_that_names_it_and_points_to_the_commands_help()
    {
        var run = await RunAsync("submit", "a.json", "--portal", "http://p", "--token", "cpt_x", "--colour", "red");

        Assert.Equal(AgentCommands.Usage, run.Exit);
        Assert.Contains("'--colour'", run.Error);
        Assert.Contains("Portal.Agent submit --help", run.Error);
    }

    [Fact]
    public async Task No_command_prints_the_help_and_exits_2()
    {
        var run = await RunAsync();

        Assert.Equal(AgentCommands.Usage, run.Exit);
        Assert.Contains("Commands:", run.Output);
    }
}
