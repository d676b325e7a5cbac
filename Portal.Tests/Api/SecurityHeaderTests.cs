using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Issue 16: a real Content-Security-Policy, nosniff, a referrer policy, no Server header; HSTS and Secure cookies over https.</summary>
public sealed partial class SecurityHeaderTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [GeneratedRegex("""<script type="importmap" nonce="([^"]+)">""")]
    private static partial Regex ImportMapNonce();

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Server"));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("http", csp); // nothing from another origin: no CDN can be reached where the portal runs
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Matches("script-src 'self' 'nonce-[0-9A-F]{32}';", csp);
    }

    [Fact]
    public async Task A_page_carries_the_headers_and_its_import_map_the_policys_nonce()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync("/");
        response.EnsureSuccessStatusCode();
        AssertCommonHeaders(response);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = ImportMapNonce().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"'nonce-{nonce}'", csp);

        using var again = await client.GetAsync("/");
        Assert.NotEqual(csp, again.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task An_API_response_carries_the_headers()
    {
        using var client = portal.CreateBootstrapClient();
        using var response = await client.GetAsync("/api/v1/organizations");
        response.EnsureSuccessStatusCode();
        AssertCommonHeaders(response);
    }

    [Fact]
    public void Kestrel_sends_no_Server_header()
    {
        Assert.False(portal.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader);
    }

    [Fact]
    public async Task Over_https_responses_carry_HSTS_and_every_cookie_is_Secure()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://portal.test"), AllowAutoRedirect = false });
        using var login = await client.GetAsync("/account/login");
        Assert.Contains("max-age=", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")));
        using var culture = await client.GetAsync("/culture?culture=ko&redirectUri=%2F");
        var cookies = login.Headers.GetValues("Set-Cookie").Concat(culture.Headers.GetValues("Set-Cookie")).ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Over_plain_http_there_is_no_HSTS_and_cookies_are_not_marked_Secure()
    {
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://portal.test"), AllowAutoRedirect = false });
        using var plain = await client.GetAsync("/account/login");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.All(plain.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }
}
