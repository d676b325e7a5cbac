using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Portal.Agent.Queue;
using Portal.Components.Agents;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The agent the portal serves at /agent/download/{rid}, with its SHA-256. The Release build's publish is not run here (it
/// takes minutes): a small file stands where the portal looks, and the publish settings are checked as written.
/// </summary>
public sealed class AgentDownloadTests(AgentDownloadTests.Portal portal) : IClassFixture<AgentDownloadTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("agent-downloads-").FullName;

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
            base.Settings.Concat([new KeyValuePair<string, string>("Portal:AgentDownloads:Folder", Folder)]);
    }

    [Fact]
    public async Task The_download_is_the_published_file_and_its_sum_line_matches_it_for_sha256sum()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        Directory.CreateDirectory(Path.Combine(portal.Folder, "linux-x64"));
        await File.WriteAllBytesAsync(Path.Combine(portal.Folder, "linux-x64", "Portal.Agent"), bytes);
        var anonymous = portal.CreateAnonymousClient();

        var file = await anonymous.GetAsync("/agent/download/linux-x64");
        var sum = await anonymous.GetStringAsync("/agent/download/linux-x64.sha256");

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var downloaded = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, downloaded);
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(downloaded))}  Portal.Agent\n", sum);
    }

    [Fact]
    public async Task A_runtime_the_portal_does_not_serve_is_404_naming_the_ones_it_does()
    {
        var anonymous = portal.CreateAnonymousClient();

        var unknown = await anonymous.GetAsync("/agent/download/win-x64");
        var unpublished = await anonymous.GetAsync("/agent/download/linux-arm64");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("linux-x64, linux-arm64", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unpublished.StatusCode);
    }

    [Fact]
    public void The_Release_build_publishes_a_compressed_self_contained_single_file_agent_for_both_linux_runtimes()
    {
        var root = RepositoryRoot();
        var agent = XDocument.Load(Path.Combine(root, "Portal.Agent", "Portal.Agent.csproj"));
        var release = agent.Descendants("PropertyGroup").Single(g => ((string?)g.Attribute("Condition"))?.Contains("Release", StringComparison.Ordinal) == true);
        foreach (var property in new[] { "SelfContained", "PublishSingleFile", "EnableCompressionInSingleFile", "IncludeNativeLibrariesForSelfExtract" })
            Assert.Equal("true", release.Element(property)?.Value);
        var web = XDocument.Load(Path.Combine(root, "Portal", "Portal.csproj"));
        Assert.Equal("linux-x64;linux-arm64", (string?)web.Descendants("AgentDownloadRuntime").Single().Attribute("Include"));
        var target = web.Descendants("Target").Single(t => (string?)t.Attribute("Name") == "PublishAgentDownloads");
        Assert.Contains("'$(Configuration)' == 'Release'", (string?)target.Attribute("Condition"));
        Assert.Contains("agent-downloads/%(AgentDownloadRuntime.Identity)", (string?)target.Element("Exec")?.Attribute("Command"));
    }

    [Fact]
    public void The_one_line_install_downloads_checks_the_sum_and_runs_with_the_portal_and_token()
    {
        var line = AgentCommand.Install("https://portal.example.org/", "cpr_abc");

        Assert.Equal("curl -fsSLo Portal.Agent https://portal.example.org/agent/download/linux-x64 && " +
                     "curl -fsSL https://portal.example.org/agent/download/linux-x64.sha256 | sha256sum -c - && chmod +x Portal.Agent && " +
                     "./Portal.Agent run --portal https://portal.example.org --registration-token cpr_abc", line);
    }

    [Theory]
    [InlineData("0.5.0", "0.6.0", true)]
    [InlineData("0.6.0", "0.6.0", false)]
    [InlineData("0.7.0+abc", "0.6.0", false)]
    [InlineData("0.5.0", null, false)]
    public void An_agent_older_than_its_portal_says_so(string mine, string? portals, bool outdated) =>
        Assert.Equal(outdated, AgentVersions.Outdated(mine, portals) is { } line && line.Contains("older than", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.slnx")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.slnx not found above the test binaries");
    }
}
