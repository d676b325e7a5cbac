using System.Net;
using System.Text;
using Portal.Api.Common;
using Portal.Components.Pages.Account;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The input rule (issue 16): NUL and other control characters are refused before they reach a service or the database,
/// in query values, route values and JSON body strings alike, with a 400 problem naming the field, in the request's language.
/// </summary>
public sealed class InputRuleTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    public static TheoryData<string> Lists() =>
    [
        "/api/v1/organizations", "/api/v1/alliances", "/api/v1/tests", "/api/v1/deployments", "/api/v1/skus", "/api/v1/matrix", "/api/v1/audit",
    ];

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_NUL_in_a_search_is_answered_400_naming_q(string list)
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.GetAsync($"{list}?q=%00").ExpectValidationProblemAsync();

        Assert.Equal(["q"], problem.Errors.Keys);
        Assert.Equal("The request has invalid fields.", problem.Title);
        Assert.Contains("control characters", problem.Errors["q"].Single());
    }

    [Theory]
    [InlineData("q=a%09b", "q")]
    [InlineData("q=a%0Ab", "q")]
    [InlineData("q=a%7Fb", "q")]
    [InlineData("country=K%00R", "country")]
    [InlineData("q%00=x", "q%00")]
    public async Task Any_control_character_in_a_query_value_or_name_is_refused(string query, string field)
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.GetAsync($"/api/v1/organizations?{query}").ExpectValidationProblemAsync();
        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task The_problem_speaks_Korean_when_asked()
    {
        using var client = portal.CreateBootstrapClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ko");
        var problem = await client.GetAsync("/api/v1/organizations?q=%00").ExpectValidationProblemAsync();
        Assert.Contains("제어 문자", problem.Errors["q"].Single());
    }

    [Fact]
    public async Task A_NUL_in_a_JSON_body_string_is_refused_naming_its_path_and_nothing_is_stored()
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.PostJsonAsync("/api/v1/organizations", new { name = "Null\u0000Corp", kind = "foundry", country = "KR" })
            .ExpectValidationProblemAsync();
        Assert.Equal(["name"], problem.Errors.Keys);

        var nested = await client.PostAsync("/api/v1/tests", new StringContent(
            """{"name":"t","visibility":"consortium","spec":{"op":"vector_add","cases":[{"n":1}],"source":"__kernel void f() {}\u0000"}}""",
            Encoding.UTF8, "application/json")).ExpectValidationProblemAsync();
        Assert.Equal(["spec.source"], nested.Errors.Keys);

        var inArray = await client.PostAsync("/api/v1/tests", new StringContent(
            """{"name":"t","tags":["ok","bad\u001b[31m"]}""", Encoding.UTF8, "application/json")).ExpectValidationProblemAsync();
        Assert.Equal(["tags[1]"], inArray.Errors.Keys);

        Assert.False(await portal.WithDbAsync(db => Task.FromResult(db.Organizations.Any(o => o.Name.StartsWith("Null")))));
    }

    [Fact]
    public async Task Tab_and_line_breaks_stay_allowed_in_body_text()
    {
        using var client = portal.CreateBootstrapClient();
        await client.PostJsonAsync("/api/v1/organizations",
            new { name = "Multi-line Corp", kind = "foundry", country = "KR", description = "first line\r\nsecond\tline" })
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public void The_text_rule_the_services_share_with_pages_refuses_NUL_too()
    {
        var errors = new ValidationErrors();
        errors.Text("name", "Null\u0000Corp", 200, required: true, "Name");
        errors.Text("description", "two\nlines\tand a tab", 2000, required: false, "Description");

        Assert.Equal(["name"], errors.ToDictionary().Keys);
        Assert.Equal("ab", Like.Escape("a\u0000b").Replace("\\", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("%2F%09%2Fevil.example")]
    [InlineData("%2Forganizations%0D%0ASet-Cookie:x=1")]
    public async Task A_culture_switch_with_a_control_character_in_its_redirect_is_refused_not_a_500(string redirect)
    {
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var problem = await client.GetAsync($"/culture?culture=ko&redirectUri={redirect}").ExpectValidationProblemAsync();
        Assert.Equal(["redirectUri"], problem.Errors.Keys);
        // And the redirect itself never throws on one, whoever calls it.
        Assert.Equal("/", Login.SafeReturnUrl("/\t/evil.example"));
        Assert.Equal("/", Login.SafeReturnUrl("/organizations\r\nx"));
    }

    [Fact]
    public async Task A_form_field_with_a_NUL_is_refused()
    {
        using var client = portal.CreateClient();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent([new("Input.Email", "a\u0000@b.test"), new("Input.Password", "x")]));
        var problem = await Task.FromResult(response).ExpectValidationProblemAsync();
        Assert.Single(problem.Errors);

        var escape = await client.PostAsync("/account/login", new FormUrlEncodedContent([new("Input.Email", "a\u001b@b.test"), new("Input.Password", "x")]));
        Assert.Equal(["Input.Email"], (await Task.FromResult(escape).ExpectValidationProblemAsync()).Errors.Keys);
    }
}
