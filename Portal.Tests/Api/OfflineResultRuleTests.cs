using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Agents;
using Portal.Api.Agents.Bundles;
using Portal.Api.Profiles;
using Portal.Contracts.Signing;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// An offline result is held to the rules an online one is: its timing goes through the one check of what the device can do,
/// a result that ran on no device is left out with why (the rest recorded, once), and a profile standing decided by an offline
/// verdict says so. Bundles are made here as the agent writes them (signed with the enrolled key), so each case is exact.
/// </summary>
public sealed class OfflineResultRuleTests(OfflineResultRuleTests.Portal portal) : IClassFixture<OfflineResultRuleTests.Portal>
{
    public sealed class Portal : PortalFactory
    {
        public Guid Partner { get; private set; }
        public HttpClient Admin { get; private set; } = null!;
        public string RegistrationToken { get; private set; } = "";

        protected override async Task StartedAsync()
        {
            Partner = await AddOrganizationAsync("Offline Rules Partner", OrganizationKind.ChipDesigner);
            Admin = await CreateClientForAsync(await CreateUserAsync("Offline rules admin", consortiumAdmin: true));
            RegistrationToken = await this.CreateRegistrationTokenAsync(Partner);
        }
    }

    /// <summary>A device name no other test maps, its SKU (50 GB/s and 1 TFLOP/s on its datasheet), and a test of its own.</summary>
    private async Task<(DeviceReport Device, Guid Sku, Guid Test, string Spec)> SetUpAsync()
    {
        var name = "Rules Accel " + Guid.NewGuid().ToString("N")[..8];
        var sku = await portal.AddSkuAsync(portal.Partner, name, SkuCategory.Gpu, s =>
        {
            s.DeviceNamePatterns = [name];
            s.MemoryBandwidthTbs = 0.05;
            s.Bf16Tflops = 1;
        });
        var device = new DeviceReport("opencl:0:0", name, "Rules", "opencl", "OpenCL 3.0", "1.0", ["opencl-c"], 1L << 30, 4);
        var seed = Random.Shared.Next(1, int.MaxValue);
        var test = await portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var spec = $$"""
                {"op":"vector_add","language":"opencl-c","entry":"vector_add","seed":{{seed}},
                 "source":"__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) { int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }",
                 "args":["x","y","z","n"],"launch":{"global":["n"]},"cases":[{"n":1000}]}
                """;
            var entity = new CompatibilityTest
            {
                Name = $"rules vector_add {seed}", Op = "vector_add", Language = "opencl-c", Spec = SpecJson.Deserialize(spec),
                Visibility = TestVisibility.Consortium, CreatedAt = now, UpdatedAt = now,
            };
            db.CompatibilityTests.Add(entity);
            db.Actor = global::Portal.Data.Audit.AuditActor.System;
            await db.SaveChangesAsync();
            return entity.Id;
        });
        var stored = await portal.WithDbAsync(db => db.Database
            .SqlQuery<string>($"select spec::text as \"Value\" from compatibility_tests where id = {test}").SingleAsync());
        return (device, sku, test, stored);
    }

    private static KernelResult Passed(double gbPerSecond, double? gflopPerSecond = null) => new(KernelStatus.Passed, "all cases passed",
        Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 5, 0.01, 0.01, 0.01, 0.01, 0, 0.01, gbPerSecond, gflopPerSecond, "f32"));

    private async Task<AgentKey> EnrolAsync()
    {
        var key = AgentKey.Create();
        await portal.Admin.PostJsonAsync("/api/v1/agents/offline",
                new OfflineEnrolmentInput(portal.Partner, new OfflineEnrolment("rules-" + Guid.NewGuid().ToString("N")[..6], key.PublicKey).Encode()))
            .ExpectAsync(HttpStatusCode.OK);
        return key;
    }

    /// <summary>A bundle as <c>suite --offline</c> writes it: the spec, the device, each result on it (or on no device), signed.</summary>
    private static string Bundle(AgentKey key, DeviceReport device, string spec, params (string Device, KernelResult Result)[] results)
    {
        var hash = CanonicalJson.Sha256(spec);
        var now = DateTimeOffset.UtcNow;
        var document = new JsonObject
        {
            ["format"] = ResultBundleFormat.Format,
            ["bundleId"] = Guid.CreateVersion7().ToString(),
            ["createdAt"] = now,
            ["agentVersion"] = "0.9.0",
            ["engineVersion"] = "0.9.0",
            ["devices"] = JsonSerializer.SerializeToNode(new[] { device }, AgentProtocol.Json),
            ["specs"] = new JsonArray(new JsonObject { ["sha256"] = hash, ["name"] = "rules vector_add", ["spec"] = JsonNode.Parse(spec) }),
            ["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["specSha256"] = hash, ["device"] = r.Device, ["startedAt"] = now, ["finishedAt"] = now,
                ["result"] = JsonSerializer.SerializeToNode(r.Result, KernelResultJson.Options),
            })]),
            [AgentKey.SignerMember] = new JsonObject { ["publicKey"] = key.PublicKey, ["name"] = "rules" },
        };
        key.SignInPlace(document);
        return document.ToJsonString();
    }

    private Task<HttpResponseMessage> UploadAsync(string bundle) =>
        portal.Admin.PostAsync("/api/v1/bundles", new StringContent(bundle, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>The same result completed online by a registered agent on the same device: lease, sign, complete.</summary>
    private async Task<Guid> CompleteOnlineAsync(DeviceReport device, Guid test, KernelResult result)
    {
        using var key = AgentKey.Create();
        var anonymous = portal.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", portal.RegistrationToken);
        var registered = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("online", "host.test", "0.9.0", "0.9.0", key.PublicKey))
            .ExpectAsync<RegisteredAgent>(HttpStatusCode.Created);
        var agent = portal.CreateClientWithToken(registered.Token);
        await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([device])).ExpectAsync(HttpStatusCode.OK);
        await portal.WithDbAsync(db => db.Jobs.Where(j => j.AgentId == null && j.Run!.Reason == RunReason.Qualification)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Cancelled)));
        await portal.SubmitAsync(test, "device:" + await portal.WithDbAsync(db => db.AgentDevices
            .Where(d => d.AgentId == registered.AgentId).Select(d => d.Id).SingleAsync()));
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        var signature = key.Sign(SignedResult.Document(lease.JobId, CanonicalJson.Sha256(lease.Spec), result.Bounded()));
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, result, Signature: signature))
            .ExpectAsync(HttpStatusCode.OK);
        return lease.JobId;
    }

    private async Task<(bool Suspect, TimingFigure? Figure, double? Limit, TimingLimitSource? Source)> SuspectAsync(Guid job)
    {
        var row = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == job));
        return (row.TimingSuspect, row.SuspectFigure, row.SuspectLimit, row.SuspectLimitSource);
    }

    [Fact]
    public async Task A_bundle_result_faster_than_the_datasheet_is_marked_suspect_exactly_as_the_same_result_completed_online()
    {
        var (device, _, test, spec) = await SetUpAsync();
        using var key = await EnrolAsync();
        var impossible = Passed(gbPerSecond: 5000); // 100× the SKU's 50 GB/s
        var plausible = Passed(gbPerSecond: 20);

        var uploaded = await UploadAsync(Bundle(key, device, spec, ("opencl:0:0", impossible), ("opencl:0:0", plausible)))
            .ExpectAsync<BundleUploadDto>(HttpStatusCode.OK);
        var online = await CompleteOnlineAsync(device, test, impossible);

        var offlineImpossible = await SuspectAsync(uploaded.Recorded[0].JobId);
        Assert.Equal((true, TimingFigure.GbPerSecond, 50.0, TimingLimitSource.Datasheet), offlineImpossible);
        Assert.Equal(await SuspectAsync(online), offlineImpossible);
        Assert.False((await SuspectAsync(uploaded.Recorded[1].JobId)).Suspect);
    }

    [Fact]
    public async Task A_result_that_ran_on_no_device_is_left_out_with_why_and_the_rest_is_recorded_once()
    {
        var (device, _, _, spec) = await SetUpAsync();
        using var key = await EnrolAsync();
        var noDevice = new KernelResult(KernelStatus.Unsupported, "no device on this host accepts cuda-c kernels (devices: opencl:0:0)");
        var bundle = Bundle(key, device, spec, ("opencl:0:0", Passed(20)), (ResultBundleFormat.NoDevice, noDevice));

        var uploaded = await UploadAsync(bundle).ExpectAsync<BundleUploadDto>(HttpStatusCode.OK);
        var again = await UploadAsync(bundle).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Equal(1, uploaded.Results);
        Assert.Equal("passed", Assert.Single(uploaded.Recorded).Verdict);
        var skipped = Assert.Single(uploaded.Skipped);
        Assert.Contains("ran on no device", skipped.Reason);
        Assert.Contains("no device on this host accepts cuda-c kernels", skipped.Reason);
        Assert.Contains("already uploaded", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await portal.WithDbAsync(db => db.Jobs.CountAsync(j => j.BundleId == uploaded.BundleId)));
    }

    [Fact]
    public async Task A_bundle_whose_every_result_ran_on_no_device_is_refused_saying_so_and_records_nothing()
    {
        var (device, _, _, spec) = await SetUpAsync();
        using var key = await EnrolAsync();
        var bundle = Bundle(key, device, spec, (ResultBundleFormat.NoDevice, new KernelResult(KernelStatus.Unsupported, "no device on this host accepts triton kernels")));

        var refused = await UploadAsync(bundle).ExpectValidationProblemAsync();

        Assert.Contains("ran on a device", Assert.Single(refused.Errors["results"]));
        Assert.Equal(0, await portal.WithDbAsync(db => db.ResultBundles.CountAsync(b => b.Agent!.PublicKey == key.PublicKey)));
    }

    [Fact]
    public async Task A_profile_standing_decided_by_an_offline_verdict_says_so_on_the_profile_and_the_SKU_badge()
    {
        var (device, sku, test, spec) = await SetUpAsync();
        var (onlineDevice, onlineSku, _, _) = await SetUpAsync();
        using var key = await EnrolAsync();
        await UploadAsync(Bundle(key, device, spec, ("opencl:0:0", Passed(20)))).ExpectAsync(HttpStatusCode.OK);
        await CompleteOnlineAsync(onlineDevice, test, Passed(20));
        var slug = "offline-" + Guid.NewGuid().ToString("N")[..8];
        await portal.Admin.PostJsonAsync("/api/v1/profiles", new ProfileInput(slug, "Offline marks", null, [test])).ExpectAsync(HttpStatusCode.Created);

        var profile = await portal.Admin.GetJsonAsync<ProfileDto>($"/api/v1/profiles/{slug}");
        var badge = Assert.Single(await portal.Admin.GetJsonAsync<IReadOnlyList<SkuProfileBadgeDto>>($"/api/v1/skus/{sku}/profiles"), b => b.Slug == slug);
        var onlineBadge = Assert.Single(await portal.Admin.GetJsonAsync<IReadOnlyList<SkuProfileBadgeDto>>($"/api/v1/skus/{onlineSku}/profiles"), b => b.Slug == slug);

        var offline = Assert.Single(profile.Skus, s => s.SkuId == sku);
        var online = Assert.Single(profile.Skus, s => s.SkuId == onlineSku);
        Assert.Equal((ProfileStanding.Met, true), (offline.Standing, offline.Offline));
        Assert.Equal((ProfileStanding.Met, false), (online.Standing, online.Offline));
        Assert.Equal((ProfileStanding.Met, true), (badge.Standing, badge.Offline));
        Assert.Equal((ProfileStanding.Met, false), (onlineBadge.Standing, onlineBadge.Offline));
    }

    [Fact]
    public async Task A_public_key_another_agent_has_is_a_409_at_registration_and_at_enrolment()
    {
        using var key = await EnrolAsync(); // an offline agent has it
        var anonymous = portal.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", portal.RegistrationToken);

        var registering = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("copy", "host.test", "0.9.0", "0.9.0", key.PublicKey))
            .ExpectAsync(HttpStatusCode.Conflict);
        using var fresh = AgentKey.Create();
        await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("own", "host.test", "0.9.0", "0.9.0", fresh.PublicKey))
            .ExpectAsync(HttpStatusCode.Created);
        await portal.Admin.PostJsonAsync("/api/v1/agents/offline",
                new OfflineEnrolmentInput(portal.Partner, new OfflineEnrolment("copy of online", fresh.PublicKey).Encode()))
            .ExpectAsync(HttpStatusCode.Conflict);

        Assert.Contains("Another agent already has this public key", await registering.Content.ReadAsStringAsync());
        Assert.Equal(1, await portal.WithDbAsync(db => db.Agents.CountAsync(a => a.PublicKey == key.PublicKey)));
        Assert.Equal(1, await portal.WithDbAsync(db => db.Agents.CountAsync(a => a.PublicKey == fresh.PublicKey)));
    }

    /// <summary>The database itself keeps one key to one agent (the unique index), for writers that do not look first.</summary>
    [Fact]
    public async Task The_database_refuses_a_second_agent_with_one_key()
    {
        using var key = await EnrolAsync();
        var copy = await portal.WithDbAsync(async db =>
        {
            var first = await db.Agents.AsNoTracking().SingleAsync(a => a.PublicKey == key.PublicKey);
            db.Agents.Add(new global::Portal.Data.Agents.Agent
            {
                OrganizationId = first.OrganizationId, Name = "copy", TokenPrefix = "cpa_xxxx", TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
                RegisteredAt = portal.Time.GetUtcNow(), PublicKey = key.PublicKey,
            });
            db.Actor = global::Portal.Data.Audit.AuditActor.System;
            return await Record.ExceptionAsync(() => db.SaveChangesAsync());
        });

        var unique = Assert.IsType<Npgsql.PostgresException>(Assert.IsType<DbUpdateException>(copy).InnerException);
        Assert.Equal("ix_agents_public_key", unique.ConstraintName);
    }
}
