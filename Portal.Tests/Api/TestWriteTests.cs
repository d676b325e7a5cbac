using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Tests;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>POST, PUT and DELETE /api/v1/tests: the spec is checked by the engine's own rules, every problem names its field, nothing partial is stored.</summary>
public sealed class TestWriteTests(TestWriteTests.Fixture portal) : IClassFixture<TestWriteTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Fab { get; private set; }
        public TestUser Author { get; private set; } = null!;
        public HttpClient AuthorClient { get; private set; } = null!;
        public HttpClient Colleague { get; private set; } = null!;
        public HttpClient LabAdmin { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;
        public HttpClient TwoOrgs { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Kernel Lab", OrganizationKind.Research);
            Fab = await AddOrganizationAsync("Chip Fab", OrganizationKind.ChipDesigner);
            Author = await CreateUserAsync("Author", false, (Lab, MemberRole.Developer));
            AuthorClient = await CreateClientForAsync(Author);
            Colleague = await CreateClientForAsync(await CreateUserAsync("Colleague", false, (Lab, MemberRole.Developer)));
            LabAdmin = await CreateClientForAsync(await CreateUserAsync("Lab Admin", false, (Lab, MemberRole.Admin)));
            Outsider = await CreateClientForAsync(await CreateUserAsync("Outsider", false, (Fab, MemberRole.Admin)));
            TwoOrgs = await CreateClientForAsync(await CreateUserAsync("Two Orgs", false, (Lab, MemberRole.Member), (Fab, MemberRole.Member)));
            Admin = CreateBootstrapClient();
        }
    }

    private Task<int> CountAsync() => portal.WithDbAsync(db => db.CompatibilityTests.CountAsync());

    private static Task<TestDto> CreateAsync(HttpClient client, Dictionary<string, object?> body) =>
        client.PostJsonAsync("/api/v1/tests", body).ExpectAsync<TestDto>(HttpStatusCode.Created);

    [Fact]
    public async Task A_member_creates_a_test_owned_by_their_organisation_with_op_and_language_taken_from_the_spec()
    {
        var body = CompatibilityFixtures.TestBody("vector_add, OpenCL", "private", CompatibilityFixtures.VectorAddSpec("cuda-c"),
            tags: [" Elementwise ", "fp32", "elementwise"], description: "The simplest kernel there is.");
        var response = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", body).ExpectAsync(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<TestDto>(ApiJson.Options))!;

        Assert.Equal($"/api/v1/tests/{created.Id}", response.Headers.Location?.OriginalString);
        var test = await portal.AuthorClient.GetJsonAsync<TestDto>($"/api/v1/tests/{created.Id}");
        Assert.Equal(("vector_add, OpenCL", "The simplest kernel there is.", TestVisibility.Private), (test.Name, test.Description, test.Visibility));
        Assert.Equal(("vector_add", "cuda-c"), (test.Op, test.Language));
        Assert.Equal(["elementwise", "fp32"], test.Tags);
        Assert.Equal(portal.Lab, test.Organization?.Id);
        Assert.Equal(portal.Author.Id, test.OwnerUserId);
        Assert.Equal("vector_add", test.Spec.Entry);
        Assert.Contains("__global__", test.Spec.Source);
        var stored = await portal.WithDbAsync(db => db.CompatibilityTests.SingleAsync(t => t.Id == created.Id));
        Assert.Equal(("vector_add", "cuda-c"), (stored.Op, stored.Language));
    }

    [Fact]
    public async Task A_bad_spec_is_refused_with_the_engines_messages_under_spec_fields_and_nothing_is_stored()
    {
        var before = await CountAsync();
        var spec = CompatibilityFixtures.VectorAddSpec();
        spec["entry"] = "vector add";
        spec["launch"] = new { global = new object[] { "ceil_div(n, 256) *" } };
        spec["timeoutSeconds"] = 100_000;
        var body = CompatibilityFixtures.TestBody("", "public", spec, tags: ["ok", " "]);

        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", body).ExpectValidationProblemAsync();

        string[] expected = ["name", "spec.entry", "spec.launch.global[0]", "spec.timeoutSeconds", "tags", "visibility"];
        Assert.Equal(expected, problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("not an identifier", problem.Errors["spec.entry"][0]);
        Assert.Contains("100000", problem.Errors["spec.timeoutSeconds"][0]);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_misspelt_spec_field_is_named_rather_than_ignored()
    {
        var spec = CompatibilityFixtures.VectorAddSpec();
        spec["tolerence"] = new { atol = 1e-6 };
        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("typo", spec: spec))
            .ExpectValidationProblemAsync();
        Assert.Contains("unknown field", Assert.Single(problem.Errors, e => e.Key.StartsWith("spec", StringComparison.Ordinal)).Value[0]);
        Assert.Equal("spec.tolerence", Assert.Single(problem.Errors).Key);
    }

    [Theory]
    [InlineData("\"vector_add\"")]
    [InlineData("null")]
    [InlineData(null)]
    public async Task A_spec_that_is_not_a_json_object_is_refused(string? specJson)
    {
        var body = CompatibilityFixtures.TestBody("no spec");
        if (specJson is null)
            body.Remove("spec");
        else
            body["spec"] = System.Text.Json.JsonDocument.Parse(specJson).RootElement;
        var problem = await portal.AuthorClient.PostJsonAsync("/api/v1/tests", body).ExpectValidationProblemAsync();
        Assert.Equal("spec", Assert.Single(problem.Errors).Key);
    }

    [Fact]
    public async Task Someone_in_several_organisations_names_the_owner_and_only_one_of_their_own()
    {
        var unnamed = await portal.TwoOrgs.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("whose?")).ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(unnamed.Errors).Key);

        var other = await portal.AddOrganizationAsync("Someone Else");
        var foreign = await portal.TwoOrgs.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("theirs", organizationId: other))
            .ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(foreign.Errors).Key);

        var created = await CreateAsync(portal.TwoOrgs, CompatibilityFixtures.TestBody("fab's", organizationId: portal.Fab));
        Assert.Equal(portal.Fab, created.Organization?.Id);
    }

    [Fact]
    public async Task Someone_without_an_organisation_cannot_create_a_test()
    {
        var loner = await portal.CreateClientForAsync(await portal.CreateUserAsync("Loner"));
        var problem = await loner.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("orphan")).ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(problem.Errors).Key);
    }

    [Fact]
    public async Task A_consortium_admin_creates_a_test_for_any_organisation_but_must_name_it()
    {
        var unnamed = await portal.Admin.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("admin's")).ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(unnamed.Errors).Key);
        var unknown = await portal.Admin.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("nobody's", organizationId: Guid.NewGuid()))
            .ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(unknown.Errors).Key);

        var created = await CreateAsync(portal.Admin, CompatibilityFixtures.TestBody("for the fab", organizationId: portal.Fab));
        Assert.Equal(portal.Fab, created.Organization?.Id);
    }

    [Fact]
    public async Task A_colleague_updates_a_test_and_the_spec_change_moves_op_and_language()
    {
        var created = await CreateAsync(portal.AuthorClient, CompatibilityFixtures.TestBody("to edit", "private"));
        var body = CompatibilityFixtures.TestBody("edited", "consortium", CompatibilityFixtures.VectorAddSpec("triton"), tags: ["edited"]);
        body["version"] = created.Version;

        var updated = await portal.Colleague.PutJsonAsync($"/api/v1/tests/{created.Id}", body).ExpectAsync<TestDto>(HttpStatusCode.OK);

        Assert.Equal(("edited", TestVisibility.Consortium, "triton"), (updated.Name, updated.Visibility, updated.Language));
        Assert.Equal(["edited"], updated.Tags);
        Assert.NotEqual(created.Version, updated.Version);
        Assert.Equal(portal.Author.Id, updated.OwnerUserId);
    }

    [Fact]
    public async Task An_update_from_a_stale_version_is_a_conflict_and_one_without_a_version_is_refused()
    {
        var created = await CreateAsync(portal.AuthorClient, CompatibilityFixtures.TestBody("contested"));
        var first = CompatibilityFixtures.TestBody("first edit");
        first["version"] = created.Version;
        await portal.AuthorClient.PutJsonAsync($"/api/v1/tests/{created.Id}", first).ExpectAsync(HttpStatusCode.OK);

        var stale = CompatibilityFixtures.TestBody("second edit");
        stale["version"] = created.Version;
        await portal.Colleague.PutJsonAsync($"/api/v1/tests/{created.Id}", stale).ExpectAsync(HttpStatusCode.Conflict);
        var unversioned = await portal.Colleague.PutJsonAsync($"/api/v1/tests/{created.Id}", CompatibilityFixtures.TestBody("third edit"))
            .ExpectValidationProblemAsync();
        Assert.Equal("version", Assert.Single(unversioned.Errors).Key);
        Assert.Equal("first edit", (await portal.WithDbAsync(db => db.CompatibilityTests.SingleAsync(t => t.Id == created.Id))).Name);
    }

    [Fact]
    public async Task Another_organisation_cannot_edit_a_consortium_test_nor_move_it_to_itself()
    {
        var created = await CreateAsync(portal.AuthorClient, CompatibilityFixtures.TestBody("lab's"));
        var body = CompatibilityFixtures.TestBody("taken over");
        body["version"] = created.Version;
        await portal.Outsider.PutJsonAsync($"/api/v1/tests/{created.Id}", body).ExpectAsync(HttpStatusCode.Forbidden);

        body["organizationId"] = portal.Fab;
        var moved = await portal.AuthorClient.PutJsonAsync($"/api/v1/tests/{created.Id}", body).ExpectValidationProblemAsync();
        Assert.Equal("organizationId", Assert.Single(moved.Errors).Key);
    }

    [Fact]
    public async Task The_author_and_the_organisations_admin_delete_a_test_with_its_runs_but_a_colleague_may_not()
    {
        var mine = await CreateAsync(portal.AuthorClient, CompatibilityFixtures.TestBody("author deletes"));
        var sku = await portal.AddSkuAsync(portal.Fab, "Delete GPU");
        await portal.AddRunAsync(mine.Id, portal.Author.Id, (null, sku));
        var other = await CreateAsync(portal.AuthorClient, CompatibilityFixtures.TestBody("admin deletes"));

        await portal.Colleague.DeleteAsync($"/api/v1/tests/{mine.Id}").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.AuthorClient.DeleteAsync($"/api/v1/tests/{mine.Id}").ExpectAsync(HttpStatusCode.NoContent);
        await portal.LabAdmin.DeleteAsync($"/api/v1/tests/{other.Id}").ExpectAsync(HttpStatusCode.NoContent);

        await portal.AuthorClient.GetAsync($"/api/v1/tests/{mine.Id}").ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await portal.WithDbAsync(db => db.TestRuns.CountAsync(r => r.TestId == mine.Id)));
        Assert.Equal(0, await portal.WithDbAsync(db => db.Jobs.CountAsync(j => j.TestId == mine.Id)));
    }

    [Fact]
    public async Task A_built_in_suite_test_is_deleted_only_by_a_consortium_admin()
    {
        var suite = await portal.AddSuiteAsync("builtin-" + Guid.NewGuid().ToString("N")[..8], "Built-in", builtIn: true);
        var builtIn = await portal.AddTestAsync("conformance vector_add", null, TestVisibility.Consortium, suiteId: suite);

        await portal.LabAdmin.DeleteAsync($"/api/v1/tests/{builtIn}").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.Admin.DeleteAsync($"/api/v1/tests/{builtIn}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await portal.WithDbAsync(db => db.CompatibilityTests.AnyAsync(t => t.Id == builtIn)));
    }
}
