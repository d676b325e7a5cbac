using System.Runtime.Versioning;
using Portal.Agent.Queue;

namespace Portal.Tests.Agent;

/// <summary>The agent's state file: it survives restarts, holds a secret only its owner can read, and names its portal.</summary>
[UnsupportedOSPlatform("windows")] // file modes are what is checked
public sealed class AgentStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agent-state-tests-").FullName;

    private static AgentState Sample(string portal = "http://portal.test:8080/") => new(
        portal, Guid.CreateVersion7(), Guid.CreateVersion7(), "Chips Inc", "gpu-host-1", "cpa_" + new string('x', 40),
        new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_saved_state_reads_back_the_same()
    {
        var path = Path.Combine(_folder, "nested", "agent.json");
        var state = Sample();

        await state.SaveAsync(path, CancellationToken.None);

        Assert.Equal(state, await AgentState.LoadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task The_file_and_its_new_folder_are_readable_by_their_owner_only()
    {
        var path = Path.Combine(_folder, "portal-agent", "agent.json");

        await Sample().SaveAsync(path, CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task Saving_over_a_world_readable_file_leaves_it_owner_only_with_no_temporary_file_behind()
    {
        var path = Path.Combine(_folder, "agent.json");
        await File.WriteAllTextAsync(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var state = Sample();

        await state.SaveAsync(path, CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(state.Token, (await AgentState.LoadAsync(path, CancellationToken.None))!.Token);
        Assert.Equal(["agent.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task No_file_means_not_registered_yet_while_a_damaged_one_is_an_error_that_says_what_to_do()
    {
        var damaged = Path.Combine(_folder, "damaged.json");
        await File.WriteAllTextAsync(damaged, "{ \"portal\": ");
        var empty = Path.Combine(_folder, "empty.json");
        await File.WriteAllTextAsync(empty, "{}");

        Assert.Null(await AgentState.LoadAsync(Path.Combine(_folder, "missing", "agent.json"), CancellationToken.None));
        var broken = await Assert.ThrowsAsync<InvalidDataException>(() => AgentState.LoadAsync(damaged, CancellationToken.None));
        Assert.Contains("delete it to register again", broken.Message);
        await Assert.ThrowsAsync<InvalidDataException>(() => AgentState.LoadAsync(empty, CancellationToken.None));
    }

    [Fact]
    public void A_state_belongs_to_the_portal_it_registered_with_whatever_the_trailing_slash()
    {
        var state = Sample("http://portal.test:8080/");

        Assert.True(state.IsFor(new Uri("http://portal.test:8080")));
        Assert.True(state.IsFor(new Uri("HTTP://PORTAL.TEST:8080/")));
        Assert.False(state.IsFor(new Uri("http://other.test:8080/")));
    }

    [Fact]
    public void Printing_a_state_never_shows_its_token()
    {
        var state = Sample();

        Assert.DoesNotContain(state.Token, state.ToString());
        Assert.Contains(state.AgentId.ToString(), state.ToString());
    }

    [Fact]
    public void The_default_path_follows_the_environment_then_XDG_then_home()
    {
        Dictionary<string, string> all = new()
        {
            ["PORTAL_AGENT_STATE"] = "/srv/agent/state.json", ["XDG_STATE_HOME"] = "/var/state", ["HOME"] = "/home/ops",
        };

        Assert.Equal("/srv/agent/state.json", AgentState.DefaultPath(all.GetValueOrDefault));
        all.Remove("PORTAL_AGENT_STATE");
        Assert.Equal("/var/state/portal-agent/agent.json", AgentState.DefaultPath(all.GetValueOrDefault));
        all["XDG_STATE_HOME"] = "relative/ignored"; // the XDG spec says relative paths are invalid
        Assert.Equal("/home/ops/.local/state/portal-agent/agent.json", AgentState.DefaultPath(all.GetValueOrDefault));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
