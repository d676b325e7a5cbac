using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Accounts;
using Portal.Api.Agents;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Memberships;
using Portal.Api.Tests;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The audit log shows an entry only to those who may open the record it describes. Each role walks every way into the
/// log (the whole log, each type, each id, each record's audit endpoint); for every record the role's own GET refuses,
/// no answer may name its id or quote its contents.
/// </summary>
public sealed class AuditVisibilityTests(AuditVisibilityTests.Fixture portal) : IClassFixture<AuditVisibilityTests.Fixture>
{
    /// <summary>A record the test created, the strings that would betray it, and how a role asks for it directly.</summary>
    public sealed record Record(string Kind, string EntityType, string Id, IReadOnlyList<string> Secrets, Func<HttpClient, Task<bool>> CanOpen);

    public sealed class Fixture : CompatibilityPortal
    {
        public string KernelMarker { get; } = $"kernel-secret-{Guid.NewGuid():N}";
        public string JoinMarker { get; } = $"join-secret-{Guid.NewGuid():N}";
        public string OpMarker { get; } = $"op-secret-{Guid.NewGuid():N}";
        public Guid Lab { get; private set; }
        public Guid Fab { get; private set; }
        public Guid Ministry { get; private set; }
        public Guid PrivateTest { get; private set; }
        public Dictionary<string, HttpClient> Roles { get; } = [];
        public List<Record> Records { get; } = [];

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Secret Lab", OrganizationKind.ChipDesigner);
            Fab = await AddOrganizationAsync("Curious Fab", OrganizationKind.Foundry);
            Ministry = await AddOrganizationAsync("Ministry of Compute", OrganizationKind.Ministry);
            var developer = await CreateUserAsync("Lab developer", false, (Lab, MemberRole.Developer));
            var requester = await CreateUserAsync("Applicant");
            Roles["consortium admin"] = await CreateClientForAsync(await CreateUserAsync("Consortium admin", consortiumAdmin: true));
            Roles["partner admin (owner)"] = await CreateClientForAsync(await CreateUserAsync("Lab admin", false, (Lab, MemberRole.Admin)));
            Roles["partner developer (owner)"] = await CreateClientForAsync(developer);
            Roles["partner admin (other)"] = await CreateClientForAsync(await CreateUserAsync("Fab admin", false, (Fab, MemberRole.Admin)));
            Roles["partner developer (other)"] = await CreateClientForAsync(await CreateUserAsync("Fab developer", false, (Fab, MemberRole.Developer)));
            Roles["partner member (other)"] = await CreateClientForAsync(await CreateUserAsync("Fab member", false, (Fab, MemberRole.Member)));
            Roles["ministry officer"] = await CreateClientForAsync(await CreateUserAsync("Officer", false, (Ministry, MemberRole.Member)));
            Roles["no organisation"] = await CreateClientForAsync(await CreateUserAsync("Loner"));
            Roles["requester"] = await CreateClientForAsync(requester);

            // A private test written through the API, then edited, so that its creation and its update are both in the log.
            var spec = CompatibilityFixtures.VectorAddSpec();
            spec["source"] = $"/* {KernelMarker} */ {CompatibilityFixtures.OpenClSource}";
            var owner = Roles["partner developer (owner)"];
            var test = await owner.PostJsonAsync("/api/v1/tests",
                    CompatibilityFixtures.TestBody($"{KernelMarker} name", "private", spec, Lab, description: $"{KernelMarker} description"))
                .ExpectAsync<TestDto>(HttpStatusCode.Created);
            var edit = CompatibilityFixtures.TestBody($"{KernelMarker} renamed", "private", spec, Lab, description: $"{KernelMarker} edited");
            edit["version"] = test.Version;
            await owner.PutJsonAsync($"/api/v1/tests/{test.Id}", edit).ExpectAsync(HttpStatusCode.OK);
            PrivateTest = test.Id;
            Add("private test", nameof(CompatibilityTest), test.Id, [KernelMarker], Opens($"/api/v1/tests/{test.Id}"));

            // A job of it that ran on another organisation's agent.
            var gpu = await this.AddSkuAsync(Fab, "Fab GPU", configure: SkuFixtures.H200);
            var agent = await this.AddAgentAsync(Fab, "fab-rack-1");
            var device = await this.AddDeviceAsync(agent, "NVIDIA H200", gpu, "opencl-c");
            var job = (await this.AddRunAsync(test.Id, developer.Id, (device, null)))[0];
            await this.CompleteJobAsync(job, KernelStatus.Passed, Time.GetUtcNow(), gpu, agentId: agent, agentOrganizationId: Fab, deviceId: device);
            var run = await WithDbAsync(db => db.Jobs.Where(j => j.Id == job).Select(j => j.RunId).SingleAsync());
            Add("private run", "TestRun", run, [], Opens($"/api/v1/runs/{run}"));
            Add("private job", "Job", job, [], Opens($"/api/v1/runs/{run}"));

            // A SKU not yet released and a deployment still being planned, by the owner organisation and the ministry.
            var unreleased = await this.AddSkuAsync(Lab, "Lab NPU (unreleased)", SkuCategory.Npu, sku =>
            {
                sku.Lifecycle = SkuLifecycle.Announced;
                sku.ReleaseMonth = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddYears(1);
            });
            Add("unreleased SKU", nameof(HardwareSku), unreleased, [], Opens($"/api/v1/skus/{unreleased}"));
            var deployment = await this.AddDeploymentAsync("Planned campus", ministryId: Ministry, status: DeploymentStatus.Planned,
                participants: [(Lab, ParticipantRole.Operator)], hardware: [(unreleased, 100, 0)]);
            Add("planned deployment", nameof(SovereignDeployment), deployment, [], Opens($"/api/v1/deployments/{deployment}"));

            // A join request with a message: the requester and the organisation's admins only.
            var request = await Roles["requester"].PostJsonAsync($"/api/v1/organizations/{Lab}/join-requests", new { message = JoinMarker })
                .ExpectAsync<JoinRequestDto>(HttpStatusCode.Created);
            Add("join request", nameof(JoinRequest), request.Id, [JoinMarker], async client =>
                (await client.GetJsonAsync<MeDto>("/api/v1/me")).JoinRequests.Any(r => r.Id == request.Id)
                || await ListsAsync(client, $"/api/v1/organizations/{Lab}/join-requests", request.Id));

            // A registration token of the owner organisation.
            var registration = await Roles["partner admin (owner)"].PostJsonAsync("/api/v1/agent-registration-tokens",
                    new { organizationId = Lab, name = "lab-rack token", expiresInDays = 7 })
                .ExpectAsync<CreatedRegistrationTokenDto>(HttpStatusCode.Created);
            Add("registration token", "AgentRegistrationToken", registration.RegistrationToken.Id, [registration.Token, registration.RegistrationToken.Prefix],
                client => ListsAsync(client, "/api/v1/agent-registration-tokens", registration.RegistrationToken.Id));

            // A private op definition, its reference source carrying a marker: its history is its organisation's alone.
            var definition = SavedOpTests.FusedBiasRelu();
            definition["name"] = "secret_bias_relu";
            definition["reference"] = new
            {
                entry = "ref",
                launch = new { global = new[] { "n" } },
                source = $"/* {OpMarker} */ __kernel void ref(__global const double* x, __global double* y, const int n, const double b) " +
                         "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }",
            };
            var op = await owner.PostJsonAsync("/api/v1/ops",
                    new Dictionary<string, object?> { ["name"] = $"{OpMarker} op", ["visibility"] = "private", ["description"] = OpMarker, ["definition"] = definition })
                .ExpectAsync<Portal.Api.Ops.SavedOpDto>(HttpStatusCode.Created);
            Add("private op", nameof(Portal.Data.Ops.SavedOp), op.Id, [OpMarker], Opens($"/api/v1/ops/{op.Id}"));
            Add("private op version", nameof(Portal.Data.Ops.SavedOpVersion), op.Versions[0].Id, [OpMarker], Opens($"/api/v1/ops/{op.Id}"));

            // Every role's own personal token (minted above): its owner's alone.
            var tokens = await WithDbAsync(db => db.ApiTokens.Select(t => new { t.Id, t.Prefix }).ToListAsync());
            foreach (var token in tokens)
                Add("personal token", nameof(Portal.Data.Accounts.ApiToken), token.Id, [token.Prefix], client => ListsAsync(client, "/api/v1/tokens", token.Id));
        }

        private void Add(string kind, string type, Guid id, IReadOnlyList<string> secrets, Func<HttpClient, Task<bool>> canOpen) =>
            Records.Add(new Record(kind, type, id.ToString(), secrets, canOpen));

        private static Func<HttpClient, Task<bool>> Opens(string url) => async client =>
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Forbidden,
                $"GET {url} answered {(int)response.StatusCode}");
            return response.StatusCode == HttpStatusCode.OK;
        };

        private static async Task<bool> ListsAsync(HttpClient client, string url, Guid id)
        {
            var response = await client.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains(id.ToString(), StringComparison.Ordinal);
        }
    }

    public static TheoryData<string> RoleNames() =>
    [
        "consortium admin", "partner admin (owner)", "partner developer (owner)", "partner admin (other)", "partner developer (other)",
        "partner member (other)", "ministry officer", "no organisation", "requester",
    ];

    [Theory]
    [MemberData(nameof(RoleNames))]
    public async Task No_way_into_the_audit_log_shows_a_role_an_entry_of_a_record_it_cannot_open(string role)
    {
        var client = portal.Roles[role];
        var answers = await EveryAuditAnswerAsync(client);

        var hidden = new List<Record>();
        foreach (var record in portal.Records)
        {
            if (await record.CanOpen(client))
                continue;
            hidden.Add(record);
            foreach (var (url, body) in answers)
            {
                Assert.False(body.Contains(record.Id, StringComparison.OrdinalIgnoreCase),
                    $"As {role}, {url} names the {record.Kind} {record.Id}, which {role} cannot open.");
                foreach (var secret in record.Secrets)
                    Assert.False(body.Contains(secret, StringComparison.Ordinal), $"As {role}, {url} quotes the {record.Kind} ({secret}).");
            }
        }
        // Other organisations' personal tokens are hidden from everyone: the walk above was never empty.
        Assert.NotEmpty(hidden);
    }

    [Fact]
    public async Task Those_who_may_open_the_private_test_read_its_whole_history_and_others_not_even_its_id()
    {
        foreach (var role in new[] { "consortium admin", "partner admin (owner)", "partner developer (owner)" })
        {
            var history = await portal.Roles[role].GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/audit?entityId={portal.PrivateTest}");
            Assert.Equal(["updated", "created"], history.Items.Select(e => e.Action));
            Assert.Contains(history.Items[1].Changes, c => c.Field == "Spec" && c.After!.Contains(portal.KernelMarker, StringComparison.Ordinal));
        }
        foreach (var role in new[] { "partner admin (other)", "ministry officer", "no organisation" })
        {
            var history = await portal.Roles[role].GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/audit?entityType=CompatibilityTest&entityId={portal.PrivateTest}");
            Assert.Equal(0, history.Total);
        }
    }

    [Fact]
    public async Task A_join_request_message_is_read_by_the_requester_and_the_organisations_admins_only()
    {
        string[] readers = ["consortium admin", "partner admin (owner)", "requester"];
        foreach (var (role, client) in portal.Roles)
        {
            var log = await client.GetJsonAsync<PagedList<AuditEntryDto>>("/api/v1/audit?entityType=JoinRequest&pageSize=200");
            var quoted = log.Items.Any(e => e.Changes.Any(c => c.After == portal.JoinMarker));
            Assert.True(readers.Contains(role) == quoted, $"{role} {(quoted ? "reads" : "does not read")} the join request's message");
            var pending = await client.GetAsync($"/api/v1/organizations/{portal.Lab}/join-requests");
            Assert.True(pending.StatusCode == HttpStatusCode.Forbidden || (await pending.Content.ReadAsStringAsync()).Contains(portal.JoinMarker, StringComparison.Ordinal),
                $"{role} gets {(int)pending.StatusCode} for the organisation's pending requests");
            Assert.Equal(role is "consortium admin" or "partner admin (owner)", pending.StatusCode == HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Personal_tokens_are_in_their_owners_log_only_consortium_admins_included()
    {
        foreach (var (role, client) in portal.Roles)
        {
            var mine = await client.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens");
            var log = await client.GetJsonAsync<PagedList<AuditEntryDto>>("/api/v1/audit?entityType=ApiToken&pageSize=200");
            Assert.Equal(mine.Select(t => t.Id.ToString()).Order(), log.Items.Select(e => e.EntityId).Distinct().Order());
            Assert.DoesNotContain(log.Items.SelectMany(e => e.Changes), c => AuditVisibility.SecretFields.Contains(c.Field));
        }
    }

    [Fact]
    public async Task The_audit_log_refuses_anonymous_readers()
    {
        using var anonymous = portal.CreateAnonymousClient();
        await anonymous.GetAsync("/api/v1/audit").ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync($"/api/v1/audit?entityId={portal.PrivateTest}").ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync($"/api/v1/organizations/{portal.Lab}/audit").ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void Every_audited_type_has_a_visibility_rule()
    {
        var audited = typeof(AuditEntry).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAudited).IsAssignableFrom(t) && !typeof(IAuditedPart).IsAssignableFrom(t))
            .Select(t => t.Name);
        Assert.Empty(audited.Except(AuditVisibility.OpenToEveryone).Except(AuditVisibility.Restricted));
    }

    /// <summary>Every page of every way into the log, raw: the whole log, each type, each record's id, each per-record endpoint.</summary>
    private async Task<List<(string Url, string Body)>> EveryAuditAnswerAsync(HttpClient client)
    {
        var types = await portal.WithDbAsync(db => db.AuditEntries.Select(e => e.EntityType).Distinct().ToListAsync());
        var urls = new List<string> { "/api/v1/audit" };
        urls.AddRange(types.Select(t => $"/api/v1/audit?entityType={t}"));
        foreach (var record in portal.Records)
        {
            urls.Add($"/api/v1/audit?entityId={record.Id}");
            urls.Add($"/api/v1/audit?entityType={record.EntityType}&entityId={record.Id}");
            urls.AddRange(new[] { "organizations", "skus", "deployments" }.Select(area => $"/api/v1/{area}/{record.Id}/audit"));
        }
        urls.AddRange(new[] { portal.Lab, portal.Fab, portal.Ministry }.Select(o => $"/api/v1/organizations/{o}/audit"));

        var answers = new List<(string, string)>();
        foreach (var url in urls)
        {
            for (var page = 1; ; page++)
            {
                var pageUrl = $"{url}{(url.Contains('?') ? '&' : '?')}pageSize={Paging.MaxPageSize}&page={page}";
                var body = await (await client.GetAsync(pageUrl).ExpectAsync(HttpStatusCode.OK)).Content.ReadAsStringAsync();
                answers.Add((pageUrl, body));
                var list = JsonSerializer.Deserialize<PagedList<AuditEntryDto>>(body, ApiJson.Options)!;
                if (page * Paging.MaxPageSize >= list.Total)
                    break;
            }
        }
        return answers;
    }
}
