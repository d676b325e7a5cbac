using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Citations;
using Portal.Agent.Cli;
using Portal.Contracts.Signing;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Every online result is signed by its agent's Ed25519 key: the portal checks the signature at completion, keeps it,
/// and serves the signed document that <c>Portal.Agent verify</c> accepts as it is and rejects once changed.
/// </summary>
public sealed class SignedResultTests(SignedResultTests.Portal portal) : IClassFixture<SignedResultTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public string RegistrationToken { get; private set; } = "";

        protected override async Task StartedAsync() =>
            RegistrationToken = await this.CreateRegistrationTokenAsync(await AddOrganizationAsync("Signing Partner", OrganizationKind.ChipDesigner));
    }

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "all cases passed",
        Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 5, 0.0123, 0.01, 0.02, 0.0124, 0.001, 0.03, 12.5, 0.33));

    private async Task<(HttpClient Agent, RegisteredAgent Registered, AgentKey Key)> RegisterAsync()
    {
        var key = AgentKey.Create();
        var anonymous = portal.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", portal.RegistrationToken);
        var registered = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("signer", "host.test", "0.5.0", "0.5.0", key.PublicKey))
            .ExpectAsync<RegisteredAgent>(HttpStatusCode.Created);
        var agent = portal.CreateClientWithToken(registered.Token);
        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.PoclCpu])).ExpectAsync(HttpStatusCode.OK);
        await portal.WithDbAsync(db => db.Jobs.Where(j => j.Run!.Reason == global::Portal.Data.Jobs.RunReason.Qualification)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Cancelled)));
        return (agent, registered, key);
    }

    private async Task<JobLease> LeaseOneAsync(HttpClient agent, RegisteredAgent registered)
    {
        var test = await portal.AddVectorAddTestAsync();
        await portal.SubmitAsync(test, "device:" + await portal.WithDbAsync(db => db.AgentDevices
            .Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync()));
        return await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
    }

    [Fact]
    public void The_canonical_form_ignores_member_order_whitespace_nulls_and_how_a_number_is_written()
    {
        var a = CanonicalJson.Bytes("""{ "b": [1, 2.50, 1e-6], "a": {"y": null, "x": "é\n"} }""");
        var b = CanonicalJson.Bytes("""{"a":{"x":"é\n"},"b":[1.0,2.5,0.000001]}""");
        var other = CanonicalJson.Bytes("""{"a":{"x":"é\n"},"b":[1.0,2.5,0.000002]}""");

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void A_signature_holds_for_its_document_and_fails_for_one_changed_value_or_another_key()
    {
        using var key = AgentKey.Create();
        using var other = AgentKey.Create();
        var document = key.SignInPlace(SignedResult.Document(Guid.CreateVersion7(), new string('a', 64), Passed));
        var changed = document.DeepClone().AsObject();
        changed["result"]!["message"] = "all cases passed!";

        Assert.True(AgentKey.VerifyInPlace(key.PublicKey, document));
        Assert.False(AgentKey.VerifyInPlace(key.PublicKey, changed));
        Assert.False(AgentKey.VerifyInPlace(other.PublicKey, document));
        // The signer member is for people; what it says is not signed, and the key is what proves who signed.
        document[AgentKey.SignerMember] = new JsonObject { ["name"] = "anyone" };
        Assert.True(AgentKey.VerifyInPlace(key.PublicKey, document));
    }

    [Fact]
    public async Task A_signed_completion_is_recorded_with_its_signature_and_one_signed_for_another_result_is_refused()
    {
        var (agent, registered, key) = await RegisterAsync();
        var lease = await LeaseOneAsync(agent, registered);
        var specHash = CanonicalJson.Sha256(lease.Spec);
        var forgedSignature = key.Sign(SignedResult.Document(lease.JobId, specHash, new KernelResult(KernelStatus.Failed, "wrong")));

        var refused = await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete",
            new JobCompletion(lease.LeaseId, Passed, Signature: forgedSignature)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("signature", await refused.Content.ReadAsStringAsync());
        var unsigned = await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("signature", await unsigned.Content.ReadAsStringAsync());
        Assert.Null((await portal.WithDbAsync(db => db.Jobs.SingleAsync(j => j.Id == lease.JobId))).Verdict);

        var signature = key.Sign(SignedResult.Document(lease.JobId, specHash, Passed.Bounded()));
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed, Signature: signature))
            .ExpectAsync(HttpStatusCode.OK);
        var job = await portal.WithDbAsync(db => db.Jobs.SingleAsync(j => j.Id == lease.JobId));
        Assert.Equal(("passed", signature), (job.Verdict, job.ResultSignature));
    }

    [Fact]
    public async Task Verify_accepts_the_published_signed_result_and_rejects_it_modified()
    {
        var (agent, registered, key) = await RegisterAsync();
        var lease = await LeaseOneAsync(agent, registered);
        var signature = key.Sign(SignedResult.Document(lease.JobId, CanonicalJson.Sha256(lease.Spec), Passed.Bounded()));
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed, Signature: signature))
            .ExpectAsync(HttpStatusCode.OK);
        // Anyone can check a published result: a visitor with no token reads the signed document, and the citation says it is signed.
        var reader = portal.CreateAnonymousClient();
        Assert.True((await reader.GetJsonAsync<CitedResultDto>($"/api/v1/results/{lease.JobId}")).Signed);
        Assert.Contains("data-testid=\"result-signed-json\"", await reader.GetStringAsync($"/results/{lease.JobId}"));

        var published = await (await reader.GetAsync($"/api/v1/jobs/{lease.JobId}/signed-result")).Content.ReadAsStringAsync();
        var folder = Directory.CreateTempSubdirectory("signed-");
        var file = Path.Combine(folder.FullName, "result.json");
        var modifiedFile = Path.Combine(folder.FullName, "modified.json");
        await File.WriteAllTextAsync(file, published);
        await File.WriteAllTextAsync(modifiedFile, published.Replace("12.5", "125", StringComparison.Ordinal));

        var accepted = await VerifyAsync(file, "--public-key", key.PublicKey);
        var rejected = await VerifyAsync(modifiedFile);

        Assert.Equal(registered.AgentId.ToString(), JsonNode.Parse(published)!["signer"]!["agentId"]!.GetValue<string>());
        Assert.True(accepted.Exit == 0, accepted.Output + accepted.Error);
        Assert.Contains("valid", accepted.Output);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("INVALID", rejected.Output);
        folder.Delete(recursive: true);
    }

    /// <summary>The signed document used to hash the test's spec as it is now: editing the test made every earlier signed
    /// result of it fail verification. It carries the hash of the spec that ran, kept when the result was recorded.</summary>
    [Fact]
    public async Task A_published_result_still_verifies_after_its_test_is_edited_and_fails_with_one_changed_byte()
    {
        var (agent, registered, key) = await RegisterAsync();
        var lease = await LeaseOneAsync(agent, registered);
        var ranSha256 = CanonicalJson.Sha256(lease.Spec);
        var signature = key.Sign(SignedResult.Document(lease.JobId, ranSha256, Passed.Bounded()));
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, Passed, Signature: signature))
            .ExpectAsync(HttpStatusCode.OK);
        var testId = await portal.WithDbAsync(db => db.Jobs.Where(j => j.Id == lease.JobId).Select(j => j.TestId).SingleAsync());
        await portal.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"update compatibility_tests set spec = jsonb_set(spec, '{{cases}}', '[{{\"n\": 4096}}]') where id = {testId}"));
        var reader = await portal.CreateClientForAsync(await portal.CreateUserAsync("Edit reader", consortiumAdmin: true));

        var published = await (await reader.GetAsync($"/api/v1/jobs/{lease.JobId}/signed-result")).Content.ReadAsStringAsync();
        var folder = Directory.CreateTempSubdirectory("signed-edited-");
        var file = Path.Combine(folder.FullName, "result.json");
        var changed = Path.Combine(folder.FullName, "changed.json");
        await File.WriteAllTextAsync(file, published);
        await File.WriteAllTextAsync(changed, published.Replace(ranSha256, ranSha256[..^1] + (ranSha256[^1] == '0' ? '1' : '0'), StringComparison.Ordinal));

        var accepted = await VerifyAsync(file, "--public-key", key.PublicKey);
        var rejected = await VerifyAsync(changed, "--public-key", key.PublicKey);

        var currentSha256 = CanonicalJson.Sha256(await portal.WithDbAsync(db => db.Database
            .SqlQuery<string>($"select spec::text as \"Value\" from compatibility_tests where id = {testId}").SingleAsync()));
        Assert.NotEqual(ranSha256, currentSha256);
        Assert.Equal(ranSha256, JsonNode.Parse(published)!["specSha256"]!.GetValue<string>());
        Assert.True(accepted.Exit == 0, accepted.Output + accepted.Error);
        Assert.Equal(1, rejected.Exit);
        Assert.Contains("INVALID", rejected.Output);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_malformed_public_key_is_refused_at_registration()
    {
        var anonymous = portal.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", portal.RegistrationToken);
        var refused = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("x", PublicKey: "not-a-key"))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("publicKey", await refused.Content.ReadAsStringAsync());
    }

    private static async Task<(int Exit, string Output, string Error)> VerifyAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AgentCommands.RunAsync(["verify", .. args], output, error, _ => null, TimeProvider.System, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
