using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Localization;

/// <summary>The API answers in the language the client asks for (Accept-Language), English otherwise.</summary>
public sealed class ApiLanguageTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Validation_messages_are_english_without_accept_language()
    {
        using var client = portal.CreateBootstrapClient();

        var problem = await client.PostJsonAsync("/api/v1/organizations", new { website = "ftp://x" }).ExpectValidationProblemAsync();

        Assert.Equal("The request has invalid fields.", problem.Title);
        Assert.Equal("Name is required.", Assert.Single(problem.Errors["name"]));
        Assert.Equal("Kind is required.", Assert.Single(problem.Errors["kind"]));
        Assert.Equal("Website must be an absolute http:// or https:// address, e.g. https://example.com.", Assert.Single(problem.Errors["website"]));
    }

    [Theory]
    [InlineData("ko")]
    [InlineData("ko-KR,ko;q=0.9,en-US;q=0.8")]
    public async Task Validation_messages_are_korean_with_accept_language_ko(string acceptLanguage)
    {
        using var client = Korean(portal.CreateBootstrapClient(), acceptLanguage);

        var problem = await client.PostJsonAsync("/api/v1/organizations", new { country = "XX", website = "ftp://x" }).ExpectValidationProblemAsync();

        Assert.Equal("요청에 올바르지 않은 필드가 있습니다.", problem.Title);
        Assert.Equal("이름은(는) 필수 항목입니다.", Assert.Single(problem.Errors["name"]));
        Assert.Equal("유형은(는) 필수 항목입니다.", Assert.Single(problem.Errors["kind"]));
        Assert.Equal("'XX'은(는) ISO 3166-1 alpha-2 국가 코드가 아닙니다(예: KR, US, DE).", Assert.Single(problem.Errors["country"]));
        Assert.Equal("웹사이트는 http:// 또는 https://로 시작하는 전체 주소여야 합니다(예: https://example.com).", Assert.Single(problem.Errors["website"]));
        Assert.Contains("이름은(는) 필수 항목입니다.", problem.Detail);
    }

    [Fact]
    public async Task Query_problems_are_korean_with_accept_language_ko()
    {
        using var client = Korean(portal.CreateBootstrapClient());

        var problem = await client.GetAsync("/api/v1/organizations?page=0&pageSize=500&sort=size").ExpectValidationProblemAsync();

        Assert.Equal("page는 1부터 시작합니다.", Assert.Single(problem.Errors["page"]));
        Assert.Equal("pageSize는 1에서 200 사이여야 합니다.", Assert.Single(problem.Errors["pageSize"]));
    }

    [Fact]
    public async Task Not_found_and_forbidden_problems_are_korean_with_accept_language_ko()
    {
        var id = Guid.NewGuid();
        using var admin = Korean(portal.CreateBootstrapClient());
        var missing = await admin.GetAsync($"/api/v1/organizations/{id}").ExpectAsync<ProblemDetails>(HttpStatusCode.NotFound);
        Assert.Equal(("찾을 수 없음", $"ID가 {id}인 기관이 없습니다."), (missing.Title, missing.Detail));

        var user = await portal.CreateUserAsync("Ordinary Reader");
        using var reader = Korean(await portal.CreateClientForAsync(user));
        var refused = await reader.PostJsonAsync("/api/v1/organizations", new { name = "X", kind = "research", country = "KR" })
            .ExpectAsync<ProblemDetails>(HttpStatusCode.Forbidden);
        Assert.Equal(("권한 없음", "기관은 컨소시엄 관리자만 만들 수 있습니다."), (refused.Title, refused.Detail));
    }

    [Fact]
    public async Task The_same_request_in_english_names_the_english_texts()
    {
        var id = Guid.NewGuid();
        using var admin = portal.CreateBootstrapClient();
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB");

        var missing = await admin.GetAsync($"/api/v1/organizations/{id}").ExpectAsync<ProblemDetails>(HttpStatusCode.NotFound);

        Assert.Equal(("Not found", $"There is no organisation with id {id}."), (missing.Title, missing.Detail));
    }

    [Fact]
    public async Task A_request_without_a_token_is_told_in_korean_how_to_authenticate()
    {
        using var client = Korean(portal.CreateAnonymousClient());
        // Published records are open to anonymous readers (DESIGN.md "Public by default"); one's own API tokens are not.

        var response = await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.Unauthorized);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(ApiJson.Options);

        Assert.Equal("인증 필요", problem?.Title);
        Assert.Equal("유효한 API 토큰을 보내 주세요: 'Authorization: Bearer <token>'. 토큰은 계정 → API 토큰에서 만들 수 있습니다.", problem?.Detail);
    }

    [Fact]
    public async Task Token_rules_speak_korean_with_accept_language_ko()
    {
        var user = await portal.CreateUserAsync("Token Maker");
        using var client = Korean(await portal.CreateClientForAsync(user));

        var problem = await client.PostJsonAsync("/api/v1/tokens", new { name = "", expiresInDays = 400 }).ExpectValidationProblemAsync();

        Assert.Equal("이름은(는) 필수 항목입니다.", Assert.Single(problem.Errors["name"]));
        Assert.Equal("토큰 만료 기간은 1일에서 365일 사이여야 합니다.", Assert.Single(problem.Errors["expiresInDays"]));
    }

    private static HttpClient Korean(HttpClient client, string acceptLanguage = "ko")
    {
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        return client;
    }
}
