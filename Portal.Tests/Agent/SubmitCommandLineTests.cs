using Portal.Agent.Cli;

namespace Portal.Tests.Agent;

/// <summary>How <c>Portal.Agent submit</c> reads its command line, and the exit codes of what it refuses before calling the portal.</summary>
public sealed class SubmitCommandLineTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static SubmitCommand.Request Parse(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        SubmitCommand.Parse(AgentCli.Parse("submit", args), environment.GetValueOrDefault);

    [Fact]
    public void A_spec_with_repeated_targets_waits_and_defaults_to_a_private_test()
    {
        var request = Parse(NoEnvironment, "add.json", "--portal", "https://portal.example.org", "--token", "cpt_abc",
            "--target", "sku:0193", "--target", "device:0194", "--wait");

        Assert.Equal("add.json", request.SpecFile);
        Assert.Null(request.TestId);
        Assert.Equal("private", request.Visibility);
        Assert.Equal(["sku:0193", "device:0194"], request.Targets);
        Assert.True(request.Wait);
        Assert.False(request.Json);
        Assert.DoesNotContain("cpt_abc", request.ToString());
    }

    [Fact]
    public void An_existing_test_runs_with_the_portal_and_token_from_the_environment()
    {
        var test = Guid.CreateVersion7();
        Dictionary<string, string> environment = new() { ["PORTAL_URL"] = "http://portal:8080", ["PORTAL_TOKEN"] = "cpt_env" };

        var request = Parse(environment, "--test", test.ToString(), "--json");

        Assert.Equal(test, request.TestId);
        Assert.Null(request.SpecFile);
        Assert.Equal(new Uri("http://portal:8080"), request.Portal);
        Assert.Equal("cpt_env", request.Token);
        Assert.True(request.Json);
    }

    [Fact]
    public void The_owner_organisation_can_be_named_for_users_in_several_or_none()
    {
        var owner = Guid.CreateVersion7();
        Assert.Equal(owner, Parse(NoEnvironment, "a.json", "--portal", "http://p", "--token", "cpt_x", "--organization", owner.ToString()).Organization);
        Assert.Null(Parse(NoEnvironment, "a.json", "--portal", "http://p", "--token", "cpt_x").Organization);
        var refused = Assert.Throws<CommandLineException>(() => Parse(NoEnvironment, "a.json", "--portal", "http://p", "--token", "cpt_x", "--organization", "acme"));
        Assert.Contains("organisation id", refused.Message);
    }

    [Theory]
    [InlineData("SPEC.json (or --test ID) is missing", "--portal", "http://p", "--token", "cpt_x")]
    [InlineData("not both", "a.json", "--test", "0193c1a2-0000-7000-8000-000000000000", "--portal", "http://p", "--token", "cpt_x")]
    [InlineData("--test takes a test id", "--test", "seven", "--portal", "http://p", "--token", "cpt_x")]
    [InlineData("--token (or PORTAL_TOKEN) is missing", "a.json", "--portal", "http://p")]
    [InlineData("not an agent's or a registration token", "a.json", "--portal", "http://p", "--token", "cpa_x")]
    [InlineData("--visibility is private or consortium", "a.json", "--portal", "http://p", "--token", "cpt_x", "--visibility", "public")]
    [InlineData("--target is sku:ID or device:ID, not 'gpu:1'", "a.json", "--portal", "http://p", "--token", "cpt_x", "--target", "gpu:1")]
    [InlineData("--target is sku:ID or device:ID, not 'sku:'", "a.json", "--portal", "http://p", "--token", "cpt_x", "--target", "sku:")]
    [InlineData("--test runs an existing one", "--test", "0193c1a2-0000-7000-8000-000000000000", "--name", "n", "--portal", "http://p", "--token", "cpt_x")]
    public void A_bad_submit_command_line_says_what_is_wrong(string message, params string[] args)
    {
        var refused = Assert.Throws<CommandLineException>(() => Parse(NoEnvironment, args));

        Assert.Contains(message, refused.Message);
    }

    [Fact]
    public async Task Bad_usage_exits_2_an_unreadable_spec_or_an_unreachable_portal_exits_1()
    {
        var spec = AgentProcess.VectorAddSpec("if (i < n) z[i] = x[i] + y[i];");
        var notJson = Path.ChangeExtension(spec, ".txt");
        await File.WriteAllTextAsync(notJson, "vector_add please");

        var usage = await AgentProcess.RunAsync("submit", spec, "--portal", "http://127.0.0.1:1", "--token", "cpt_x", "--target", "gpu:1");
        var missing = await AgentProcess.RunAsync("submit", "/nonexistent/spec.json", "--portal", "http://127.0.0.1:1", "--token", "cpt_x");
        var garbled = await AgentProcess.RunAsync("submit", notJson, "--portal", "http://127.0.0.1:1", "--token", "cpt_x");
        var unreachable = await AgentProcess.RunAsync("submit", spec, "--portal", "http://127.0.0.1:1", "--token", "cpt_x", "--wait");

        Assert.Equal(2, usage.ExitCode);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cannot read /nonexistent/spec.json", missing.Error);
        Assert.Equal(1, garbled.ExitCode);
        Assert.Contains("is not JSON", garbled.Error);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach the portal", unreachable.Error);
    }
}
