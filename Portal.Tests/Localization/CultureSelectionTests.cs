using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Localization;

/// <summary>The /culture endpoint behind the language switcher, and the pages' language that follows from it.</summary>
public sealed class CultureSelectionTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Choosing_korean_sets_the_culture_cookie_for_a_year_and_returns_to_the_page()
    {
        using var client = NoRedirects();

        var response = await client.GetAsync("/culture?culture=ko&redirectUri=%2Forganizations%3Fkind%3Dministry");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/organizations?kind=ministry", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.StartsWith(".AspNetCore.Culture=c%3Dko%7Cuic%3Dko;", cookie);
        var expires = DateTimeOffset.Parse(cookie.Split(';').Single(p => p.Trim().StartsWith("expires=", StringComparison.OrdinalIgnoreCase)).Split('=')[1]);
        Assert.InRange(expires, portal.Time.GetUtcNow().AddYears(1).AddMinutes(-1), portal.Time.GetUtcNow().AddYears(1).AddMinutes(1));
    }

    [Fact]
    public async Task A_link_with_lang_opens_in_that_language_over_the_browsers_and_remembers_it_for_the_pages_circuit()
    {
        using var client = NoRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/organizations?kind=ministry&lang=ko");
        request.Headers.AcceptLanguage.ParseAdd("en-US");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"ko\"", await response.Content.ReadAsStringAsync());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.StartsWith(".AspNetCore.Culture=c%3Dko%7Cuic%3Dko;", cookie);

        // An API answer sets no cookie (it may be cached publicly, and a script has no circuit to keep the language for).
        using var api = await client.GetAsync($"/api/v1/organizations/{Guid.NewGuid()}?lang=ko");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.False(api.Headers.Contains("Set-Cookie"));

        // An unknown language in a link changes nothing.
        using var unknown = await client.GetAsync("/organizations?lang=xx");
        Assert.DoesNotContain(unknown.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/skus?q=nova&sort=-bf16Tflops", "ko", "/skus?q=nova&sort=-bf16Tflops&lang=ko")]
    [InlineData("/skus?lang=en&q=nova", "ko", "/skus?lang=ko&q=nova")]
    [InlineData("/deployments/5", "en", "/deployments/5?lang=en")]
    public void A_shared_address_keeps_the_views_query_and_sets_its_language(string path, string culture, string expected) =>
        Assert.Equal("http://portal.example" + expected, Portal.Startup.PortalCultures.ShareAddress("http://portal.example" + path, culture));

    [Theory]
    [InlineData("https://elsewhere.example/steal")]
    [InlineData("//elsewhere.example")]
    [InlineData("/\\elsewhere.example")]
    [InlineData("")]
    public async Task A_redirect_that_is_not_a_local_path_goes_home_instead(string redirectUri)
    {
        using var client = NoRedirects();

        var response = await client.GetAsync($"/culture?culture=en&redirectUri={Uri.EscapeDataString(redirectUri)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("")]
    public async Task An_unsupported_culture_is_refused_and_no_cookie_is_set(string culture)
    {
        using var client = NoRedirects();

        var response = await client.GetAsync($"/culture?culture={culture}&redirectUri=%2F");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("culture must be one of en, ko.", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null, null, "en", "Sign in")]
    [InlineData(null, "ko-KR,ko;q=0.9", "ko", "로그인")]
    [InlineData("ko", "en-US", "ko", "로그인")]
    [InlineData("en", "ko", "en", "Sign in")]
    public async Task Pages_speak_the_remembered_choice_first_then_the_browser_language(
        string? cookie, string? acceptLanguage, string lang, string heading)
    {
        using var client = NoRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        if (cookie is not null)
            request.Headers.Add("Cookie", $".AspNetCore.Culture=c%3D{cookie}%7Cuic%3D{cookie}");
        if (acceptLanguage is not null)
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        var html = WebUtility.HtmlDecode(await (await client.SendAsync(request)).Content.ReadAsStringAsync());

        Assert.Contains($"<html lang=\"{lang}\">", html);
        Assert.Contains($"<h2>{heading}</h2>", html);
    }

    [Fact]
    public async Task Korean_pages_carry_hangul_as_text_not_as_character_references()
    {
        using var client = NoRedirects();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", "ko");

        var html = await client.GetStringAsync("/account/login");

        Assert.Contains("<h2>로그인</h2>", html);
    }

    private HttpClient NoRedirects() => portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
}
