using System.ComponentModel.DataAnnotations;
using System.Net;
using Portal.Api.Accounts;
using Portal.Api.Common;
using Portal.Api.Memberships;
using Portal.Api.Organizations;
using Portal.Data.Organizations;
using Portal.Data.Seed;
using Portal.Startup;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>A fresh portal with demo data: the bootstrap token drives it as a consortium admin.</summary>
public sealed class BootstrapTokenTests(DemoPortalFactory portal) : IClassFixture<DemoPortalFactory>
{
    [Fact]
    public async Task The_bootstrap_token_lists_the_seeded_organisations()
    {
        using var client = portal.CreateBootstrapClient();
        var seeded = DemoData.Read().Organizations.Select(o => o.Name).Order(StringComparer.Ordinal).ToArray();

        var page = await client.GetJsonAsync<PagedList<OrganizationDto>>("/api/v1/organizations?pageSize=200");

        Assert.NotEmpty(seeded);
        Assert.Equal(seeded.Length, page.Total);
        Assert.Equal(seeded, page.Items.Select(o => o.Name));
    }

    [Fact]
    public async Task The_bootstrap_token_acts_as_the_bootstrap_consortium_admin()
    {
        using var client = portal.CreateBootstrapClient();

        var me = await client.GetJsonAsync<MeDto>("/api/v1/me");

        Assert.Equal(DemoUsers.BootstrapAdminEmail, me.Email);
        Assert.True(me.IsConsortiumAdmin);
    }

    [Fact]
    public async Task The_demo_users_hold_their_roles_in_the_seeded_organisations()
    {
        using var client = portal.CreateBootstrapClient();
        var page = await client.GetJsonAsync<PagedList<OrganizationDto>>("/api/v1/organizations?q=Samsung%20Electronics");
        var samsung = Assert.Single(page.Items);

        var members = await client.GetJsonAsync<List<MemberDto>>($"/api/v1/organizations/{samsung.Id}/members");

        Assert.Contains(members, m => m.Email == "partner@samsung.demo" && m.Role == MemberRole.Admin);
    }

    [Fact]
    public async Task A_token_that_merely_starts_like_the_bootstrap_token_is_refused()
    {
        using var client = portal.CreateClientWithToken(PortalFactory.BootstrapToken[..^1]);
        await client.GetAsync("/api/v1/me").ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_bootstrap_token_keeps_at_most_8_characters_in_clear()
    {
        using var client = portal.CreateBootstrapClient();

        var bootstrap = Assert.Single(await client.GetJsonAsync<List<ApiTokenDto>>("/api/v1/tokens"), t => t.ExpiresAt is null);

        Assert.StartsWith(bootstrap.Prefix, PortalFactory.BootstrapToken);
        Assert.InRange(bootstrap.Prefix.Length, 1, 8);
    }

    [Theory]
    [InlineData(39, false)]
    [InlineData(40, true)]
    public void A_bootstrap_value_shorter_than_40_characters_is_refused_at_start_up(int length, bool valid)
    {
        var options = new PortalOptions { BootstrapToken = new string('a', length) };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Equal(valid, errors.Count == 0);
    }
}
