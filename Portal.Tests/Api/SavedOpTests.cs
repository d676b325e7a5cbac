using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Ops;
using Portal.Contracts;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// /api/v1/ops: op definitions saved as records with immutable versions, private to their organisation or shared with
/// the consortium; a private one of another organisation does not exist for the caller (404).
/// </summary>
public sealed class SavedOpTests(SavedOpTests.Fixture portal) : IClassFixture<SavedOpTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Fab { get; private set; }
        public TestUser Author { get; private set; } = null!;
        public HttpClient AuthorClient { get; private set; } = null!;
        public HttpClient Colleague { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Fusion Lab", OrganizationKind.Research);
            Fab = await AddOrganizationAsync("Other Fab", OrganizationKind.ChipDesigner);
            Author = await CreateUserAsync("Op Author", false, (Lab, MemberRole.Developer));
            AuthorClient = await CreateClientForAsync(Author);
            Colleague = await CreateClientForAsync(await CreateUserAsync("Op Colleague", false, (Lab, MemberRole.Member)));
            Outsider = await CreateClientForAsync(await CreateUserAsync("Op Outsider", false, (Fab, MemberRole.Admin)));
            Admin = CreateBootstrapClient();
        }
    }

    /// <summary>DESIGN.md's example: y = max(x + b, 0).</summary>
    public static Dictionary<string, object?> FusedBiasRelu(double bias = 0.5) => new()
    {
        ["name"] = "fused_bias_relu",
        ["params"] = new object[] { new { name = "n", type = "int", @default = 1024 }, new { name = "b", type = "float", @default = bias } },
        ["buffers"] = new object[]
        {
            new { name = "x", role = "input", dtype = "f32", length = "n", distribution = "normal" },
            new { name = "y", role = "output", dtype = "f32", length = "n" },
        },
        ["reference"] = new
        {
            entry = "ref",
            launch = new { global = new[] { "n" } },
            source = "__kernel void ref(__global const double* x, __global double* y, const int n, const double b) " +
                     "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }",
        },
    };

    private static Dictionary<string, object?> Body(string name, string visibility = "private", object? definition = null) => new()
    {
        ["name"] = name, ["visibility"] = visibility, ["description"] = "bias then ReLU", ["definition"] = definition ?? FusedBiasRelu(),
    };

    private Task<SavedOpDto> CreateAsync(string name, string visibility = "private", HttpClient? client = null) =>
        (client ?? portal.AuthorClient).PostJsonAsync("/api/v1/ops", Body(name, visibility)).ExpectAsync<SavedOpDto>(HttpStatusCode.Created);

    [Fact]
    public async Task A_member_saves_an_op_definition_as_version_1_owned_by_their_organisation()
    {
        var created = await CreateAsync("bias relu v1");

        var op = await portal.Colleague.GetJsonAsync<SavedOpDto>($"/api/v1/ops/{created.Id}");
        Assert.Equal(("bias relu v1", "bias then ReLU", TestVisibility.Private, portal.Lab), (op.Name, op.Description, op.Visibility, op.Organization.Id));
        Assert.Equal((1, portal.Author.Id, true), (op.LatestVersion, op.OwnerUserId, op.CanEdit));
        var version = Assert.Single(op.Versions);
        Assert.Equal(1, version.Number);
        Assert.Matches("^[0-9a-f]{64}$", version.Hash);
        var definition = version.Definition.Deserialize<OpDefinitionSpec>(ApiJson.Options)!;
        Assert.Equal(["x", "y"], definition.Buffers!.Select(b => b.Name));
        Assert.Equal("ref", definition.Reference!.Entry);
    }

    [Fact]
    public async Task A_new_version_leaves_the_earlier_one_as_it_was()
    {
        var created = await CreateAsync("bias relu versions");
        var first = created.Versions.Single();

        var updated = await portal.Colleague.PostJsonAsync($"/api/v1/ops/{created.Id}/versions", new { definition = FusedBiasRelu(0.25), baseVersion = 1 })
            .ExpectAsync<SavedOpDto>(HttpStatusCode.Created);

        Assert.Equal(2, updated.LatestVersion);
        Assert.Equal([2, 1], updated.Versions.Select(v => v.Number));
        Assert.NotEqual(first.Hash, updated.Versions[0].Hash);
        Assert.Equal(first.Hash, updated.Versions[1].Hash);
        Assert.True(JsonElement.DeepEquals(first.Definition, updated.Versions[1].Definition));
        Assert.Equal(0.25, updated.Versions[0].Definition.GetProperty("params")[1].GetProperty("default").GetDouble());
    }

    [Fact]
    public async Task A_version_based_on_an_older_one_is_a_conflict_and_an_unchanged_definition_is_refused()
    {
        var created = await CreateAsync("bias relu conflict");
        await portal.AuthorClient.PostJsonAsync($"/api/v1/ops/{created.Id}/versions", new { definition = FusedBiasRelu(0.25), baseVersion = 1 })
            .ExpectAsync(HttpStatusCode.Created);

        await portal.Colleague.PostJsonAsync($"/api/v1/ops/{created.Id}/versions", new { definition = FusedBiasRelu(0.75), baseVersion = 1 })
            .ExpectAsync(HttpStatusCode.Conflict);
        var same = await portal.AuthorClient.PostJsonAsync($"/api/v1/ops/{created.Id}/versions", new { definition = FusedBiasRelu(0.25) })
            .ExpectValidationProblemAsync();
        Assert.Contains("version 2", Assert.Single(same.Errors["definition"]));
        Assert.Equal(2, (await portal.AuthorClient.GetJsonAsync<SavedOpDto>($"/api/v1/ops/{created.Id}")).LatestVersion);
    }

    [Fact]
    public async Task Another_organisation_gets_404_for_a_private_op_and_never_sees_it_listed()
    {
        var secret = await CreateAsync("secret fused op");
        var shared = await CreateAsync("shared fused op", "consortium");

        await portal.Outsider.GetAsync($"/api/v1/ops/{secret.Id}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.GetAsync($"/api/v1/ops/{secret.Id}/tests").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.PostJsonAsync($"/api/v1/ops/{secret.Id}/versions", new { definition = FusedBiasRelu(2) }).ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.PutJsonAsync($"/api/v1/ops/{secret.Id}/visibility", new { visibility = "consortium" }).ExpectAsync(HttpStatusCode.NotFound);

        var list = await portal.Outsider.GetJsonAsync<PagedList<SavedOpListItem>>("/api/v1/ops?q=fused");
        Assert.Equal(["shared fused op"], list.Items.Select(o => o.Name));
        Assert.False(list.Items[0].CanEdit);
        var mine = await portal.Colleague.GetJsonAsync<PagedList<SavedOpListItem>>("/api/v1/ops?q=fused");
        Assert.Equal(["secret fused op", "shared fused op"], mine.Items.Select(o => o.Name));
        Assert.Contains(secret.Id, (await portal.Admin.GetJsonAsync<PagedList<SavedOpListItem>>("/api/v1/ops?q=fused")).Items.Select(o => o.Id));
        Assert.Equal(shared.Id, (await portal.Outsider.GetJsonAsync<SavedOpDto>($"/api/v1/ops/{shared.Id}")).Id);
    }

    [Fact]
    public async Task Only_the_owner_organisation_adds_versions_and_changes_the_visibility_of_a_shared_op()
    {
        var shared = await CreateAsync("shared but owned", "consortium");

        await portal.Outsider.PostJsonAsync($"/api/v1/ops/{shared.Id}/versions", new { definition = FusedBiasRelu(2) }).ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Outsider.PutJsonAsync($"/api/v1/ops/{shared.Id}/visibility", new { visibility = "private" }).ExpectAsync(HttpStatusCode.Forbidden);

        var changed = await portal.Colleague.PutJsonAsync($"/api/v1/ops/{shared.Id}/visibility", new { visibility = "private" })
            .ExpectAsync<SavedOpDto>(HttpStatusCode.OK);
        Assert.Equal(TestVisibility.Private, changed.Visibility);
        await portal.Outsider.GetAsync($"/api/v1/ops/{shared.Id}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_op_used_by_another_organisations_test_stays_shared()
    {
        var shared = await CreateAsync("used by others", "consortium");
        await AddTestOfAsync(shared.Versions[0].Id, "their test", portal.Fab);

        var problem = await portal.AuthorClient.PutJsonAsync($"/api/v1/ops/{shared.Id}/visibility", new { visibility = "private" })
            .ExpectValidationProblemAsync();
        Assert.Contains("other organisations", Assert.Single(problem.Errors["visibility"]));
    }

    [Fact]
    public async Task The_tests_of_an_op_come_with_the_version_they_were_written_against_and_their_latest_verdicts()
    {
        var op = await CreateAsync("op with tests", "consortium");
        var v2 = await portal.AuthorClient.PostJsonAsync($"/api/v1/ops/{op.Id}/versions", new { definition = FusedBiasRelu(1) })
            .ExpectAsync<SavedOpDto>(HttpStatusCode.Created);
        var old = await AddTestOfAsync(op.Versions[0].Id, "written against v1", portal.Lab);
        await AddTestOfAsync(v2.Versions[0].Id, "written against v2", portal.Lab);
        var hidden = await AddTestOfAsync(v2.Versions[0].Id, "lab's private test", portal.Lab, TestVisibility.Private);
        var agent = await portal.AddAgentAsync(portal.Fab, "op agent");
        var (gpu, npu) = (await portal.AddDeviceAsync(agent, "GPU", null, "opencl-c"), await portal.AddDeviceAsync(agent, "NPU", null, "opencl-c"));
        var jobs = await portal.AddRunAsync(old, portal.Author.Id, (gpu, null), (npu, null));
        var now = portal.Time.GetUtcNow();
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, now - TimeSpan.FromHours(1), null, deviceId: gpu);
        await portal.CompleteJobAsync(jobs[1], KernelStatus.Failed, now, null, deviceId: npu);

        var tests = await portal.Outsider.GetJsonAsync<List<SavedOpTestDto>>($"/api/v1/ops/{op.Id}/tests");

        Assert.Equal([("written against v2", 2), ("written against v1", 1)], tests.Select(t => (t.Name, t.OpVersion)));
        Assert.DoesNotContain(hidden, tests.Select(t => t.Id));
        Assert.Equal((2, 1, "failed"), (tests[1].Results.Devices, tests[1].Results.Passed, tests[1].LatestVerdict));
        Assert.Equal((0, (string?)null), (tests[0].Results.Devices, tests[0].LatestVerdict));
        Assert.Equal(3, (await portal.AuthorClient.GetJsonAsync<List<SavedOpTestDto>>($"/api/v1/ops/{op.Id}/tests")).Count);
    }

    [Fact]
    public async Task Each_problem_of_a_definition_is_named_by_its_field_and_nothing_is_stored()
    {
        var definition = FusedBiasRelu();
        definition["buffers"] = new object[]
        {
            new { name = "x", role = "input", dtype = "f33", length = "n" },
            new { name = "x", role = "scratch", length = "" },
        };
        definition["reference"] = new { entry = "ref", source = "" };
        var before = await portal.WithDbAsync(db => db.SavedOps.CountAsync());

        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/ops", Body("", "secret", definition)).ExpectValidationProblemAsync();

        Assert.Equal(
            ["definition.buffers", "definition.buffers[0].dtype", "definition.buffers[1].length", "definition.buffers[1].name",
             "definition.buffers[1].role", "definition.reference.source", "name", "visibility"],
            problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("f32, f16, bf16, fp8e4m3, fp8e5m2", problem.Errors["definition.buffers[0].dtype"][0]);
        Assert.Equal(before, await portal.WithDbAsync(db => db.SavedOps.CountAsync()));
    }

    [Fact]
    public async Task A_misspelt_field_or_a_missing_definition_is_a_field_problem_in_Korean_too()
    {
        var definition = FusedBiasRelu();
        definition["bufers"] = definition["buffers"];
        var english = await portal.AuthorClient.PostJsonAsync("/api/v1/ops", Body("misspelt", "private", definition)).ExpectValidationProblemAsync();
        Assert.Contains("not part of an op definition", Assert.Single(english.Errors["definition.bufers"]));

        using var korean = await portal.CreateClientForAsync(portal.Author);
        korean.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko"));
        var problem = await korean.PostJsonAsync("/api/v1/ops", new { name = "no definition", visibility = "private" }).ExpectValidationProblemAsync();
        Assert.Equal("연산 정의를 JSON 객체(name, params, buffers, reference, …)로 보내 주세요.", Assert.Single(problem.Errors["definition"]));
    }

    [Fact]
    public async Task Someone_in_no_organisation_cannot_save_an_op()
    {
        using var loner = await portal.CreateClientForAsync(await portal.CreateUserAsync("Loner", false));
        var problem = await loner.PostJsonAsync("/api/v1/ops", Body("homeless")).ExpectValidationProblemAsync();
        Assert.Contains("join one first", Assert.Single(problem.Errors["organizationId"]));
        var body = Body("for another organisation");
        body["organizationId"] = portal.Fab;
        problem = await portal.AuthorClient.PostJsonAsync("/api/v1/ops", body).ExpectValidationProblemAsync();
        Assert.Contains("member of", Assert.Single(problem.Errors["organizationId"]));
    }

    [Fact]
    public async Task A_test_of_a_saved_op_links_to_the_version_whose_definition_its_spec_carries()
    {
        var op = await CreateAsync("op for a linked test", "consortium");
        var version = op.Versions[0];
        var body = CompatibilityFixtures.TestBody("relu kernel", "consortium", CustomSpec(version.Definition));
        body["opVersionId"] = version.Id;

        var test = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", body).ExpectAsync<Portal.Api.Tests.TestDto>(HttpStatusCode.Created);

        Assert.Equal(("fused_bias_relu", op.Id, 1, version.Id), (test.Op, test.OpVersion?.OpId, test.OpVersion?.Number, test.OpVersion?.VersionId));
        Assert.Equal("custom", test.Spec.Op);
        var tests = await portal.Outsider.GetJsonAsync<List<SavedOpTestDto>>($"/api/v1/ops/{op.Id}/tests");
        Assert.Equal(["relu kernel"], tests.Select(t => t.Name));

        // The spec must carry that version's definition as it is; another one is a field problem, and nothing is stored.
        var changed = CompatibilityFixtures.TestBody("relu kernel, other bias", "consortium",
            CustomSpec(JsonSerializer.SerializeToElement(FusedBiasRelu(3))));
        changed["opVersionId"] = version.Id;
        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", changed).ExpectValidationProblemAsync();
        Assert.Contains("version 1 of 'op for a linked test'", Assert.Single(problem.Errors["spec.opDefinition"]));
    }

    [Fact]
    public async Task A_private_op_of_another_organisation_cannot_be_linked_and_is_not_named()
    {
        var secret = await CreateAsync("op nobody else sees");
        var body = CompatibilityFixtures.TestBody("borrowed", "consortium", CustomSpec(secret.Versions[0].Definition));
        body["opVersionId"] = secret.Versions[0].Id;

        var problem = await portal.Outsider.PostJsonAsync("/api/v1/tests", body).ExpectValidationProblemAsync();

        Assert.Contains("no op definition version", Assert.Single(problem.Errors["opVersionId"]));
        Assert.DoesNotContain("op nobody else sees", string.Join(" ", problem.Errors.SelectMany(e => e.Value)));
    }

    [Fact]
    public async Task The_engine_names_problems_of_a_definition_that_only_it_checks()
    {
        var definition = FusedBiasRelu();
        definition["buffers"] = new object[]
        {
            new { name = "x", role = "input", dtype = "f32", length = "n * q", distribution = "gaussian" },
            new { name = "y", role = "output", dtype = "f32", length = "n" },
        };

        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/ops", Body("engine checked", "private", definition)).ExpectValidationProblemAsync();

        Assert.Contains("definition.buffers[0].length", problem.Errors.Keys);
        Assert.Contains("definition.buffers[0].distribution", problem.Errors.Keys);
    }

    /// <summary>A custom-op spec for OpenCL C with the definition as its opDefinition; the kernel computes the op.</summary>
    private static Dictionary<string, object?> CustomSpec(JsonElement definition) => new()
    {
        ["op"] = "custom",
        ["language"] = "opencl-c",
        ["entry"] = "bias_relu",
        ["source"] = "__kernel void bias_relu(__global const float* x, __global float* y, const int n, const float b) " +
                     "{ int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0f); }",
        ["args"] = new[] { "x", "y", "n", "b" },
        ["launch"] = new { global = new[] { "n" } },
        ["opDefinition"] = definition,
    };

    /// <summary>A test of the custom op, stored directly with its link (the engine's custom-op validation is not what this class tests).</summary>
    private Task<Guid> AddTestOfAsync(Guid versionId, string name, Guid organizationId, TestVisibility visibility = TestVisibility.Consortium) =>
        portal.WithDbAsync(async db =>
        {
            var definition = await db.SavedOpVersions.Where(v => v.Id == versionId).Select(v => v.Definition).SingleAsync();
            var now = portal.Time.GetUtcNow();
            var spec = new Dictionary<string, object?>
            {
                ["op"] = "custom", ["language"] = "opencl-c", ["entry"] = "k", ["source"] = "__kernel void k() {}",
                ["args"] = new[] { "x", "y", "n", "b" }, ["launch"] = new { global = new[] { "n" } },
                ["opDefinition"] = JsonDocument.Parse(definition).RootElement,
            };
            var test = new CompatibilityTest
            {
                Name = name, OrganizationId = organizationId, Visibility = visibility, Op = "custom", Language = "opencl-c",
                Spec = SpecJson.Deserialize(JsonSerializer.Serialize(spec)), OpVersionId = versionId, CreatedAt = now, UpdatedAt = now,
            };
            db.CompatibilityTests.Add(test);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return test.Id;
        });
}
