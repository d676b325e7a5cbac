using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Agents;
using Portal.Api.Agents.Bundles;
using Portal.Api.Matrix;
using Portal.Contracts.Signing;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Agent;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The air-gapped flow end to end on this host's PoCL device: an offline agent enrolled from its one-time code runs the
/// portal's suite with no portal, and its signed bundle fills the matrix once, marked offline. A bundle with one changed
/// byte, one signed by a key no agent here has, and one uploaded again are each refused with a 400 that says why.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OfflineBundleTests(OfflineBundleTests.Portal portal) : IClassFixture<OfflineBundleTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public Guid Partner { get; private set; }
        public TestUser Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Partner = await AddOrganizationAsync("Sovereign Partner", OrganizationKind.ChipDesigner);
            Admin = await CreateUserAsync("Partner admin", false, (Partner, MemberRole.Admin));
        }
    }

    /// <summary>The real agent's offline run, made once for the class: enrol, fetch two suite tests, run them on PoCL, write the bundle.</summary>
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static string? _bundle;

    private async Task<(HttpClient Client, string Bundle)> BundleAsync()
    {
        var client = await portal.CreateClientForAsync(portal.Admin);
        await Once.WaitAsync();
        try
        {
            if (_bundle is not null)
                return (client, _bundle);
            var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "agent-specs", $"offline-{Guid.NewGuid():N}")).FullName;
            var state = Path.Combine(folder, "offline-agent.json");
            var enrol = await AgentProcess.RunAsync("enroll", "--name", "air-gapped-pocl", "--state", state);
            Assert.True(enrol.ExitCode == 0, enrol.Error);
            var enrolled = await client.PostJsonAsync("/api/v1/agents/offline", new OfflineEnrolmentInput(portal.Partner, enrol.Output.Trim()))
                .ExpectAsync<AgentDto>(HttpStatusCode.OK);
            Assert.True(enrolled.Offline);
            Assert.NotNull(enrolled.PublicKey);

            // fetch-suite's document, cut to two tests so the run stays short.
            var suite = JsonNode.Parse(await client.GetStringAsync("/api/v1/bundles/suite?language=opencl-c"))!.AsObject();
            var tests = suite["tests"]!.AsArray();
            Assert.True(tests.Count >= 10, $"the suite has {tests.Count} OpenCL C tests");
            suite["tests"] = new JsonArray([.. tests.Where(t => t!["name"]!.GetValue<string>().Contains("vector_add", StringComparison.Ordinal)
                || t!["name"]!.GetValue<string>().Contains("saxpy", StringComparison.Ordinal)).Take(2).Select(t => t!.DeepClone())]);
            var specs = Path.Combine(folder, "suite.json");
            await File.WriteAllTextAsync(specs, suite.ToJsonString());
            var bundle = Path.Combine(folder, "results.bundle");
            var run = await AgentProcess.RunAsync("suite", "--offline", "--specs", specs, "--out", bundle, "--state", state, "--device", "opencl:0:0");
            Assert.True(run.ExitCode == 0, run.Output + run.Error);
            _bundle = await File.ReadAllTextAsync(bundle);
            return (client, _bundle);
        }
        finally
        {
            Once.Release();
        }
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string bundle) =>
        client.PostAsync("/api/v1/bundles", new StringContent(bundle, System.Text.Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_bundle_run_on_PoCL_uploads_once_fills_the_matrix_marked_offline_and_a_second_upload_is_refused()
    {
        var (client, bundle) = await BundleAsync();
        var device = JsonNode.Parse(bundle)!["devices"]!.AsArray().First(d => d!["id"]!.GetValue<string>() == "opencl:0:0")!;
        var sku = await portal.AddSkuAsync(portal.Partner, "Offline CPU " + Guid.NewGuid().ToString("N")[..6], SkuCategory.Cpu,
            s => s.DeviceNamePatterns = [device["name"]!.GetValue<string>()]);

        var uploaded = await UploadAsync(client, bundle).ExpectAsync<BundleUploadDto>(HttpStatusCode.OK);
        var again = await UploadAsync(client, bundle).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(2, uploaded.Results);
        Assert.All(uploaded.Recorded, r => Assert.Equal("passed", r.Verdict));
        Assert.StartsWith("offline, signed by agent air-gapped-pocl, run at ", uploaded.Provenance);
        Assert.Contains("already uploaded", await again.Content.ReadAsStringAsync());
        Assert.Equal(2, await portal.WithDbAsync(db => db.Jobs.CountAsync(j => j.BundleId == uploaded.BundleId)));
        var matrix = await client.GetFromJsonAsync<MatrixDto>("/api/v1/matrix?suite=conformance-v1&language=opencl-c", ApiJson.Options);
        var cells = matrix!.Tests.Where(t => uploaded.Recorded.Any(r => r.TestId == t.Id)).Select(t => t.Cells[sku]).ToList();
        Assert.Equal(2, cells.Count);
        Assert.All(cells, c => Assert.True(c.Offline && c.Verdict == "passed"));
        // The bundle's signature covers the bundle, not one result: no job of it offers a signed result that would not verify.
        await client.GetAsync($"/api/v1/jobs/{uploaded.Recorded[0].JobId}/signed-result").ExpectAsync(HttpStatusCode.NotFound);
    }

    /// <summary>A number no double holds is unreadable input (400 naming the bundle), not a server fault; it failed the
    /// signature check's canonical form with a 500 before.</summary>
    [Fact]
    public async Task A_bundle_with_a_number_out_of_range_is_refused_as_unreadable()
    {
        var (client, bundle) = await BundleAsync();
        var document = JsonNode.Parse(bundle)!.AsObject();
        document["results"]!.AsArray()[0]!["result"]!.AsObject()["extra"] = JsonNode.Parse("1e400");

        var refused = await UploadAsync(client, document.ToJsonString()).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Contains("\"bundle\"", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bundle_with_one_changed_byte_is_refused_as_changed_after_signing()
    {
        var (client, bundle) = await BundleAsync();
        var at = bundle.IndexOf("\"passed\"", StringComparison.Ordinal);
        var changed = bundle[..(at + 1)] + "f" + bundle[(at + 2)..]; // "passed" → "fassed": one byte

        var refused = await UploadAsync(client, changed).ExpectAsync(HttpStatusCode.BadRequest);

        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"signature\"", problem);
        Assert.Contains("changed after it was signed", problem);
    }

    [Fact]
    public async Task A_bundle_signed_by_a_key_no_agent_here_has_is_refused_naming_the_key()
    {
        var (client, bundle) = await BundleAsync();
        var document = JsonNode.Parse(bundle)!.AsObject();
        using var stranger = AgentKey.Create();
        document["signer"] = new JsonObject { ["publicKey"] = stranger.PublicKey, ["name"] = "stranger" };
        stranger.SignInPlace(document);

        var refused = await UploadAsync(client, document.ToJsonString()).ExpectAsync(HttpStatusCode.BadRequest);

        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("signer.publicKey", problem);
        Assert.Contains("No agent on this portal has the key", problem);
    }

    [Fact]
    public async Task The_one_time_code_enrols_once()
    {
        var client = await portal.CreateClientForAsync(portal.Admin);
        using var key = AgentKey.Create();
        var code = new OfflineEnrolment("twice", key.PublicKey).Encode();

        await client.PostJsonAsync("/api/v1/agents/offline", new OfflineEnrolmentInput(portal.Partner, code)).ExpectAsync(HttpStatusCode.OK);
        await client.PostJsonAsync("/api/v1/agents/offline", new OfflineEnrolmentInput(portal.Partner, code)).ExpectAsync(HttpStatusCode.Conflict);
        await client.PostJsonAsync("/api/v1/agents/offline", new OfflineEnrolmentInput(portal.Partner, "cpo_garbage")).ExpectAsync(HttpStatusCode.BadRequest);
    }
}
