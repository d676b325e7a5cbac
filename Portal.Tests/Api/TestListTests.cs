using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Kernels.Results;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/tests and /api/v1/suites: filters, paging, and counts of only what the caller may see.</summary>
public sealed class TestListTests(TestListTests.Fixture portal) : IClassFixture<TestListTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Fab { get; private set; }
        public Guid Suite { get; private set; }
        public HttpClient LabMember { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            Lab = await AddOrganizationAsync("List Lab");
            Fab = await AddOrganizationAsync("List Fab", OrganizationKind.ChipDesigner);
            Suite = await this.AddSuiteAsync("partner-suite-v1", "Conformance v1", builtIn: true);
            await this.AddTestAsync("Suite vector_add OpenCL", null, TestVisibility.Consortium, "opencl-c", suiteId: Suite, tags: ["elementwise"]);
            await this.AddTestAsync("Suite vector_add CUDA", null, TestVisibility.Consortium, "cuda-c", suiteId: Suite, tags: ["elementwise"], dtype: "bf16");
            await this.AddTestAsync("Lab saxpy 50% faster", Lab, TestVisibility.Consortium, "triton", op: "saxpy", tags: ["blas"]);
            await this.AddTestAsync("Fab secret gelu", Fab, TestVisibility.Private, "opencl-c", op: "gelu", tags: ["blas"]);
            await this.AddTestAsync("Fab suite extra", Fab, TestVisibility.Private, "opencl-c", suiteId: Suite);
            LabMember = await CreateClientForAsync(await CreateUserAsync("Lab Member", false, (Lab, MemberRole.Member)));
            Admin = CreateBootstrapClient();
        }
    }

    private async Task<string[]> NamesAsync(HttpClient client, string query)
    {
        var page = await client.GetJsonAsync<PagedList<TestListItem>>("/api/v1/tests" + query);
        Assert.Equal(page.Items.Count, page.Total);
        return page.Items.Select(t => t.Name).ToArray();
    }

    [Fact]
    public async Task The_list_is_sorted_by_name_and_hides_other_organisations_private_tests()
    {
        Assert.Equal(["Lab saxpy 50% faster", "Suite vector_add CUDA", "Suite vector_add OpenCL"], await NamesAsync(portal.LabMember, ""));
        Assert.Equal(5, (await NamesAsync(portal.Admin, "")).Length);
    }

    [Theory]
    [InlineData("?language=cuda-c", "Suite vector_add CUDA")]
    [InlineData("?op=saxpy", "Lab saxpy 50% faster")]
    [InlineData("?suite=partner-suite-v1&language=opencl-c", "Suite vector_add OpenCL")]
    [InlineData("?tag=BLAS", "Lab saxpy 50% faster")]
    [InlineData("?dtype=bf16", "Suite vector_add CUDA")]
    [InlineData("?q=50%25", "Lab saxpy 50% faster")]
    public async Task Each_filter_narrows_the_list(string query, string expected)
    {
        Assert.Equal([expected], await NamesAsync(portal.LabMember, query));
    }

    [Fact]
    public async Task A_tests_dtype_is_its_specs_and_f32_when_the_spec_names_none()
    {
        Assert.Equal(["Lab saxpy 50% faster", "Suite vector_add OpenCL"], await NamesAsync(portal.LabMember, "?dtype=f32"));
        var page = await portal.LabMember.GetJsonAsync<PagedList<TestListItem>>("/api/v1/tests?language=cuda-c");
        Assert.Equal("bf16", page.Items.Single().Dtype);
        Assert.Empty(await NamesAsync(portal.LabMember, "?dtype=fp8e4m3"));
    }

    [Fact]
    public async Task An_unknown_dtype_is_refused_naming_the_field()
    {
        var refused = await portal.LabMember.GetAsync("/api/v1/tests?dtype=f64").ExpectAsync(HttpStatusCode.BadRequest);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"dtype\"", body);
        Assert.Contains("bf16", body);
    }

    [Fact]
    public async Task The_organisation_filter_and_a_consortium_admin_see_private_tests_of_that_organisation()
    {
        Assert.Empty(await NamesAsync(portal.LabMember, $"?organizationId={portal.Fab}"));
        Assert.Equal(["Fab secret gelu", "Fab suite extra"], await NamesAsync(portal.Admin, $"?organizationId={portal.Fab}"));
    }

    [Fact]
    public async Task Pages_carry_the_total_of_all_matches()
    {
        var page = await portal.LabMember.GetJsonAsync<PagedList<TestListItem>>("/api/v1/tests?pageSize=2&page=2");
        Assert.Equal((3, 2, 2), (page.Total, page.Page, page.PageSize));
        Assert.Equal("Suite vector_add OpenCL", Assert.Single(page.Items).Name);
    }

    [Theory]
    [InlineData("?language=fortran", "language")]
    [InlineData("?op=fft", "op")]
    [InlineData("?pageSize=0", "pageSize")]
    public async Task An_unknown_filter_value_is_refused_naming_the_field(string query, string field)
    {
        var problem = await portal.LabMember.GetAsync("/api/v1/tests" + query).ExpectValidationProblemAsync();
        Assert.Equal(field, Assert.Single(problem.Errors).Key);
    }

    [Fact]
    public async Task Suites_count_only_the_tests_the_caller_can_see()
    {
        var mine = Assert.Single(await portal.LabMember.GetJsonAsync<List<SuiteDto>>("/api/v1/suites"), s => s.Slug == "partner-suite-v1");
        var admins = Assert.Single(await portal.Admin.GetJsonAsync<List<SuiteDto>>("/api/v1/suites"), s => s.Slug == "partner-suite-v1");
        Assert.Equal((2, true), (mine.Tests, mine.BuiltIn));
        Assert.Equal(3, admins.Tests);
    }

    [Fact]
    public async Task Each_item_carries_its_latest_verdict_per_device_as_a_script_reads_it()
    {
        var gelu = await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Name == "Fab secret gelu").Select(t => t.Id).SingleAsync());
        var agent = await portal.AddAgentAsync(portal.Fab, "results agent");
        var first = await portal.AddDeviceAsync(agent, "Device one", null, "opencl-c");
        var second = await portal.AddDeviceAsync(agent, "Device two", null, "opencl-c");
        var jobs = await portal.AddRunAsync(gelu, null, (first, null), (second, null));
        var finished = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        await portal.CompleteJobAsync(jobs[0], KernelStatus.Passed, finished.AddMinutes(-10), null, agentId: agent, deviceId: first);
        await portal.CompleteJobAsync(jobs[1], KernelStatus.Failed, finished, null, agentId: agent, deviceId: second);

        var response = await portal.Admin.GetAsync($"/api/v1/tests?organizationId={portal.Fab}&q=gelu").ExpectAsync(HttpStatusCode.OK);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).GetProperty("results");
        Assert.Equal((2, 1), (results.GetProperty("devices").GetInt32(), results.GetProperty("passed").GetInt32()));
        Assert.Equal(finished, results.GetProperty("lastFinishedAt").GetDateTimeOffset());
        var untouched = await portal.LabMember.GetJsonAsync<PagedList<TestListItem>>("/api/v1/tests?op=saxpy");
        Assert.Equal(TestResults.None, Assert.Single(untouched.Items).Results);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_tests_runs_and_matrix_endpoint()
    {
        using var client = portal.CreateAnonymousClient();
        var response = await client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, operations) in new[]
                 {
                     ("/api/v1/tests", "get post"), ("/api/v1/tests/{id}", "delete get put"), ("/api/v1/suites", "get"),
                     ("/api/v1/tests/{testId}/runs", "get post"), ("/api/v1/runs/{id}", "get"), ("/api/v1/jobs/{id}", "delete"),
                     ("/api/v1/matrix", "get"), ("/api/v1/matrix/export.csv", "get"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document.");
            Assert.Equal(operations, string.Join(' ', item.EnumerateObject().Select(o => o.Name).Where(n => n is "get" or "post" or "put" or "delete").Order()));
        }
    }
}
