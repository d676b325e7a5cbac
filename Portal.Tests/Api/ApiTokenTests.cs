using System.Net;
using System.Net.Http.Json;
using Portal.Api.Accounts;
using Portal.Api.Agents;
using Portal.Api.Memberships;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Personal API tokens: shown once, work until revoked or expired, and belong to one user only.</summary>
public sealed class ApiTokenTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<(TestUser User, HttpClient Client)> SignedInUserAsync(string name)
    {
        var user = await portal.CreateUserAsync(name);
        return (user, await portal.CreateClientForAsync(user));
    }

    [Fact]
    public async Task A_created_token_acts_as_its_owner()
    {
        var (user, client) = await SignedInUserAsync("Token maker");

        var created = await client.PostJsonAsync("/api/v1/tokens", new { name = "ci", expiresInDays = 30 })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withNewToken = portal.CreateClientWithToken(created.Token);
        var me = await withNewToken.GetJsonAsync<MeDto>("/api/v1/me");

        Assert.StartsWith(ApiTokenService.TokenPrefix, created.Token);
        Assert.Equal(44, created.Token.Length);
        Assert.Equal(created.Token[..12], created.Details.Prefix);
        Assert.Equal(portal.Time.GetUtcNow().AddDays(30), created.Details.ExpiresAt);
        Assert.True(created.Details.Active);
        Assert.Equal((user.Id, user.Email), (me.Id, me.Email));
    }

    [Fact]
    public async Task The_token_list_never_contains_a_secret()
    {
        var (_, client) = await SignedInUserAsync("Lister");
        var created = await client.PostJsonAsync("/api/v1/tokens", new { name = "listed" })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);

        var response = await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
        var json = await response.Content.ReadAsStringAsync();

        Assert.Contains(created.Details.Prefix, json);
        Assert.DoesNotContain(created.Token, json);
        Assert.DoesNotContain(created.Token[12..], json);
        Assert.DoesNotContain("\"token\"", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_revoked_token_is_answered_401()
    {
        var (_, client) = await SignedInUserAsync("Revoker");
        var created = await client.PostJsonAsync("/api/v1/tokens", new { name = "short-lived" })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withToken = portal.CreateClientWithToken(created.Token);
        await withToken.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);

        var revoked = await client.DeleteAsync($"/api/v1/tokens/{created.Details.Id}").ExpectAsync<ApiTokenDto>(HttpStatusCode.OK);

        Assert.False(revoked.Active);
        Assert.Equal(portal.Time.GetUtcNow(), revoked.RevokedAt);
        await withToken.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);
        await client.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_is_answered_401_once_it_has_expired()
    {
        var user = await portal.CreateUserAsync("Expiring");
        using var client = portal.CreateClientWithToken(await portal.MintTokenAsync(user, expiresInDays: 1));
        await client.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);

        portal.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        await client.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);
        portal.Time.Advance(TimeSpan.FromSeconds(1));
        await client.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);

        using var fresh = await portal.CreateClientForAsync(user);
        var tokens = await fresh.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens");
        Assert.Equal([false, true], tokens.OrderBy(t => t.CreatedAt).Select(t => t.Active));
    }

    [Fact]
    public async Task One_user_cannot_revoke_anothers_token()
    {
        var (_, owner) = await SignedInUserAsync("Owner");
        var (_, other) = await SignedInUserAsync("Other");
        var created = await owner.PostJsonAsync("/api/v1/tokens", new { name = "mine" })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);

        await other.DeleteAsync($"/api/v1/tokens/{created.Details.Id}").ExpectAsync(HttpStatusCode.NotFound);

        using var withToken = portal.CreateClientWithToken(created.Token);
        await withToken.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(await other.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens"), t => t.Id == created.Details.Id);
    }

    [Fact]
    public async Task A_token_made_with_a_token_expires_no_later_than_it()
    {
        var user = await portal.CreateUserAsync("Chain maker");
        using var parent = portal.CreateClientWithToken(await portal.MintTokenAsync(user, expiresInDays: 1));

        var child = await parent.PostJsonAsync("/api/v1/tokens", new { name = "long", expiresInDays = 365 })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withChild = portal.CreateClientWithToken(child.Token);

        Assert.Equal(portal.Time.GetUtcNow().AddDays(1), child.Details.ExpiresAt);
        await withChild.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);
        portal.Time.Advance(TimeSpan.FromDays(1));
        await withChild.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Revoking_a_token_revokes_every_token_made_with_it_and_only_those()
    {
        var user = await portal.CreateUserAsync("Chain revoker");
        using var session = await portal.CreateClientForAsync(user);
        var parent = await session.PostJsonAsync("/api/v1/tokens", new { name = "parent", expiresInDays = 1 })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withParent = portal.CreateClientWithToken(parent.Token);
        var child = await withParent.PostJsonAsync("/api/v1/tokens", new { name = "child" }).ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withChild = portal.CreateClientWithToken(child.Token);
        var grandchild = await withChild.PostJsonAsync("/api/v1/tokens", new { name = "grandchild" }).ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withGrandchild = portal.CreateClientWithToken(grandchild.Token);
        await withGrandchild.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);

        await session.DeleteAsync($"/api/v1/tokens/{parent.Details.Id}").ExpectAsync(HttpStatusCode.OK);

        await withChild.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);
        await withGrandchild.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);
        await session.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.OK);
        var listed = await session.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens");
        Assert.All(listed.Where(t => t.Id == child.Details.Id || t.Id == grandchild.Details.Id), t => Assert.NotNull(t.RevokedAt));
    }

    [Fact]
    public async Task A_registration_token_made_with_a_token_expires_no_later_and_is_revoked_with_it()
    {
        var organization = await portal.AddOrganizationAsync("Chain agents " + Guid.NewGuid().ToString("N")[..8]);
        var admin = await portal.CreateUserAsync("Chain agent admin", false, (organization, MemberRole.Admin));
        using var session = await portal.CreateClientForAsync(admin);
        var parent = await session.PostJsonAsync("/api/v1/tokens", new { name = "parent", expiresInDays = 2 })
            .ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        using var withParent = portal.CreateClientWithToken(parent.Token);

        var registration = await withParent.PostJsonAsync("/api/v1/agent-registration-tokens",
                new RegistrationTokenInput(organization, "chained", RegistrationTokenService.MaxDays))
            .ExpectAsync<CreatedRegistrationTokenDto>(HttpStatusCode.Created);
        Assert.Equal(portal.Time.GetUtcNow().AddDays(2), registration.RegistrationToken.ExpiresAt);

        await session.DeleteAsync($"/api/v1/tokens/{parent.Details.Id}").ExpectAsync(HttpStatusCode.OK);

        using var agentHost = portal.CreateClientWithToken(registration.Token);
        await agentHost.PostJsonAsync("/api/v1/agents/register", new AgentRegistration("chained agent")).ExpectAsync(HttpStatusCode.Unauthorized);
        var listed = await session.GetJsonAsync<List<RegistrationTokenDto>>("/api/v1/agent-registration-tokens");
        Assert.False(listed.Single(t => t.Id == registration.RegistrationToken.Id).Active);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer cpt_thisisnotatokenthatexistsanywhere000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_request_without_a_valid_token_is_answered_401_with_problem_json(string? authorization)
    {
        using var client = portal.CreateAnonymousClient();
        if (authorization is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        // Without any credentials a private read (/me) is refused; with bad ones even a public read is (PublicRead).
        var response = await client.GetAsync(authorization is null ? "/api/v1/me" : "/api/v1/organizations").ExpectAsync(HttpStatusCode.Unauthorized);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(ApiJson.Options);

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(401, problem?.Status);
        Assert.Contains("Authorization: Bearer <token>", problem?.Detail);
    }

    [Theory]
    [InlineData("", 30, "name")]
    [InlineData("fine", 0, "expiresInDays")]
    [InlineData("fine", 366, "expiresInDays")]
    public async Task A_token_request_with_a_bad_field_is_refused_naming_it(string name, int days, string field)
    {
        var (_, client) = await SignedInUserAsync("Careless");

        var problem = await client.PostJsonAsync("/api/v1/tokens", new { name, expiresInDays = days }).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task Two_tokens_that_are_not_revoked_never_share_a_name_and_revoking_frees_it()
    {
        var (_, client) = await SignedInUserAsync("Namer");
        var (_, other) = await SignedInUserAsync("Other namer");
        var first = await client.PostJsonAsync("/api/v1/tokens", new { name = "laptop" }).ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);

        var problem = await client.PostJsonAsync("/api/v1/tokens", new { name = "laptop" }).ExpectValidationProblemAsync();
        Assert.Equal(["name"], problem.Errors.Keys);
        Assert.Contains("laptop", problem.Errors["name"][0], StringComparison.Ordinal);
        // Another person's token may have the same name: names are told apart within one person's list.
        await other.PostJsonAsync("/api/v1/tokens", new { name = "laptop" }).ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);

        await client.DeleteAsync($"/api/v1/tokens/{first.Details.Id}").ExpectAsync<ApiTokenDto>(HttpStatusCode.OK);
        await client.PostJsonAsync("/api/v1/tokens", new { name = "laptop" }).ExpectAsync<CreatedApiTokenDto>(HttpStatusCode.Created);
        var names = (await client.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens")).Where(t => t.Name == "laptop").Select(t => (t.Name, t.Active)).ToList();
        Assert.Equal([("laptop", false), ("laptop", true)], names.Order());
    }

    [Fact]
    public async Task Two_requests_racing_for_one_name_make_one_token_and_one_field_error()
    {
        var (_, client) = await SignedInUserAsync("Racer");

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostJsonAsync("/api/v1/tokens", new { name = "race" })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Single(await client.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens"), t => t.Name == "race");
    }
}
