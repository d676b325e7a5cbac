using System.Net;
using System.Text;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 10: a value the endpoint cannot bind (a query value, a route value, a JSON body or one of its fields) answered an
/// empty 400. It answers the field-level, localised problem every other 400 answers, keyed by the field the client sent.
/// </summary>
public sealed class BindingFailureTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    public static TheoryData<string> Lists() =>
    [
        "/api/v1/organizations", "/api/v1/alliances", "/api/v1/tests", "/api/v1/deployments", "/api/v1/skus", "/api/v1/audit",
    ];

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_page_that_is_not_a_number_is_answered_400_naming_page(string list)
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.GetAsync($"{list}?page=abc").ExpectValidationProblemAsync();

        Assert.Equal(["page"], problem.Errors.Keys);
        Assert.Equal("The request has invalid fields.", problem.Title);
        Assert.Contains("'abc'", problem.Errors["page"].Single());
        Assert.Contains("whole number", problem.Errors["page"].Single());
    }

    [Fact]
    public async Task A_filter_id_that_is_not_a_GUID_is_answered_400_naming_the_filter_as_sent()
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.GetAsync("/api/v1/organizations?alliance=not-a-guid").ExpectValidationProblemAsync();
        Assert.Equal(["alliance"], problem.Errors.Keys);
        Assert.Contains("GUID", problem.Errors["alliance"].Single());

        var tests = await client.GetAsync("/api/v1/tests?organizationId=42").ExpectValidationProblemAsync();
        Assert.Equal(["organizationId"], tests.Errors.Keys);
    }

    [Fact]
    public async Task A_JSON_field_of_the_wrong_type_is_answered_400_naming_the_field()
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.PostAsync("/api/v1/organizations",
            new StringContent("""{"name":"Typed Corp","kind":"foundry","country":"KR","allianceIds":"everyone"}""", Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        Assert.Equal(["allianceIds"], problem.Errors.Keys);
        Assert.Contains("list", problem.Errors["allianceIds"].Single());

        var nested = await client.PostAsync("/api/v1/organizations",
            new StringContent("""{"name":"Typed Corp","allianceIds":["00000000-0000-0000-0000-000000000001", 7]}""", Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        Assert.Equal(["allianceIds[1]"], nested.Errors.Keys);
        Assert.Contains("GUID", nested.Errors["allianceIds[1]"].Single());
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"name\": \"x\",,}")]
    [InlineData("not json at all")]
    public async Task Malformed_JSON_is_answered_400_naming_the_body(string body)
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.PostAsync("/api/v1/alliances", new StringContent(body, Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        var (field, messages) = Assert.Single(problem.Errors);
        Assert.True(field == "body" || field == "name", field);
        Assert.Contains("not valid JSON", messages.Single());
    }

    [Fact]
    public async Task JSON_nested_deeper_than_allowed_is_answered_400_not_500()
    {
        using var client = portal.CreateBootstrapClient();
        var deep = "{\"name\":" + new string('[', 1000) + new string(']', 1000) + "}";
        var problem = await client.PostAsync("/api/v1/alliances", new StringContent(deep, Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        Assert.Single(problem.Errors);
    }

    [Fact]
    public async Task A_missing_body_is_answered_400_naming_the_body()
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.PostAsync("/api/v1/alliances", new StringContent("", Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        Assert.Equal(["body"], problem.Errors.Keys);
    }

    [Fact]
    public async Task The_problem_speaks_Korean_when_asked()
    {
        using var client = portal.CreateBootstrapClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ko");
        var problem = await client.GetAsync("/api/v1/organizations?page=abc").ExpectValidationProblemAsync();
        Assert.Equal("요청에 올바르지 않은 필드가 있습니다.", problem.Title);
        Assert.Contains("정수", problem.Errors["page"].Single());

        var json = await client.PostAsync("/api/v1/alliances", new StringContent("{", Encoding.UTF8, "application/json"))
            .ExpectValidationProblemAsync();
        Assert.Contains("JSON이 아닙니다", json.Errors.Single().Value.Single());
    }
}
