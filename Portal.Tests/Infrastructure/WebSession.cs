using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Accounts;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// One browser's worth of cookies against the portal's pages, without a browser: forms are fetched for their
/// antiforgery token and posted as a browser posts them. Cookies are kept here, so a test can copy a session
/// (as someone who stole the cookie would) and replay it later.
/// </summary>
public sealed partial class WebSession : IDisposable
{
    private static readonly Uri Origin = new("http://localhost/");
    private readonly HttpClient _client;
    private readonly CookieContainer _cookies;

    public WebSession(PortalFactory portal, string? clientAddress = null, string? language = null) : this(portal, new CookieContainer(), clientAddress, language)
    {
    }

    private WebSession(PortalFactory portal, CookieContainer cookies, string? clientAddress, string? language)
    {
        _client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        _cookies = cookies;
        if (clientAddress is not null)
            _client.DefaultRequestHeaders.Add(ClientAddressHeader, clientAddress);
        if (language is not null)
            _client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", language);
        Portal = portal;
        ClientAddress = clientAddress;
    }

    /// <summary>A request header that <see cref="ClientAddressPortal"/> turns into the connection's remote address.</summary>
    public const string ClientAddressHeader = "X-Test-Client-Address";

    private PortalFactory Portal { get; }

    private string? ClientAddress { get; }

    /// <summary>Another client holding this session's cookies as they are now.</summary>
    public WebSession Copy(string? language = null)
    {
        var copy = new CookieContainer();
        copy.Add(_cookies.GetAllCookies());
        return new WebSession(Portal, copy, ClientAddress, language);
    }

    public bool HasSignInCookie => _cookies.GetAllCookies().Any(c => c.Name == "portal.auth");

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        return await SendAsync(request);
    }

    /// <summary>Fetches <paramref name="pagePath"/> and posts its form <paramref name="formName"/> with the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, string formName, params (string Name, string Value)[] fields)
    {
        var token = await AntiforgeryTokenAsync(pagePath);
        return await PostFormAsync(pagePath,
            [new("_handler", formName), new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);
    }

    public async Task<string> AntiforgeryTokenAsync(string pagePath)
    {
        using var page = await GetAsync(pagePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var match = TokenField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"{pagePath} has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        SubmitAsync("/account/login", "login", ("Input.Email", email), ("Input.Password", password));

    /// <summary>Signs out the way the app bar's button does: a POST with a token taken from a signed-in page.</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = await AntiforgeryTokenAsync("/account/password");
        return await PostFormAsync("/account/logout", [new("__RequestVerificationToken", token)]);
    }

    /// <summary>Whether this session is signed in: a page for signed-in people answers it rather than sending it to the sign-in page.</summary>
    public async Task<bool> IsSignedInAsync()
    {
        using var response = await GetAsync("/account/password");
        if (response.StatusCode == HttpStatusCode.OK)
            return true;
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
        return false;
    }

    /// <summary>
    /// A page's text with what is encrypted or drawn afresh for every request blanked out (antiforgery tokens, the
    /// redirect after a form post, persisted component state, the Content-Security-Policy nonce), and what the visitor typed replaced by a placeholder.
    /// </summary>
    public static string Comparable(string html, params string[] typed)
    {
        var text = TokenField().Replace(html, "__RequestVerificationToken\" value=\"\"");
        text = OpaqueRedirect().Replace(text, "opaque-redirect?url=");
        text = ComponentState().Replace(text, "<!--Blazor-Server-Component-State:-->");
        text = Nonce().Replace(text, "nonce=\"\"");
        foreach (var value in typed)
            text = text.Replace(value, "{typed}", StringComparison.Ordinal);
        return text;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var cookies = _cookies.GetCookieHeader(Origin);
        if (cookies.Length > 0)
            request.Headers.Add("Cookie", cookies);
        var response = await _client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var setCookie in setCookies)
                _cookies.SetCookies(Origin, setCookie);
        return response;
    }

    [GeneratedRegex("__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("opaque-redirect\\?url=[^<\"]+")]
    private static partial Regex OpaqueRedirect();

    [GeneratedRegex("<!--Blazor-Server-Component-State:[^-]*-->")]
    private static partial Regex ComponentState();

    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex Nonce();

    public void Dispose() => _client.Dispose();
}

public static class PasswordUsers
{
    public const string Password = "Right-password-2026";

    /// <summary>A user who signs in with <see cref="Password"/>, made as registration makes one.</summary>
    public static Task<TestUser> CreateUserWithPasswordAsync(this PortalFactory portal, string displayName = "Password user") =>
        portal.InScopeAsync(async services =>
        {
            var email = $"{Guid.NewGuid():N}@users.test";
            var user = new PortalUser { UserName = email, Email = email, DisplayName = displayName, CreatedAt = portal.Time.GetUtcNow() };
            var created = await services.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user, Password);
            Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
            return new TestUser(user.Id, email, displayName);
        });
}
