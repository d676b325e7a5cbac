using System.Net;
using Portal.Api.Organizations;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Two editors of one organisation: the second to save a stale copy is told, and the first change stays.</summary>
public sealed class OrganizationConcurrencyTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<(Guid Organization, HttpClient First, HttpClient Second)> TwoEditorsAsync()
    {
        var organization = await portal.AddOrganizationAsync($"Shared {Guid.NewGuid():N}", OrganizationKind.Foundry, "KR", description: "original");
        var first = await portal.CreateUserAsync("First editor", memberships: (organization, MemberRole.Admin));
        var second = await portal.CreateUserAsync("Second editor", memberships: (organization, MemberRole.Admin));
        return (organization, await portal.CreateClientForAsync(first), await portal.CreateClientForAsync(second));
    }

    private static object Edit(OrganizationDto read, string description, uint? version) => new
    {
        name = read.Name, kind = "foundry", country = read.Country, description, version,
    };

    [Fact]
    public async Task The_second_save_of_a_stale_copy_gets_409_and_the_first_change_is_kept()
    {
        var (id, first, second) = await TwoEditorsAsync();
        var url = $"/api/v1/organizations/{id}";
        var readByFirst = await first.GetJsonAsync<OrganizationDto>(url);
        var readBySecond = await second.GetJsonAsync<OrganizationDto>(url);

        var saved = await first.PutJsonAsync(url, Edit(readByFirst, "first editor's text", readByFirst.Version))
            .ExpectAsync<OrganizationDto>(HttpStatusCode.OK);
        var conflict = await second.PutJsonAsync(url, Edit(readBySecond, "second editor's text", readBySecond.Version))
            .ExpectAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(HttpStatusCode.Conflict);

        Assert.NotEqual(readByFirst.Version, saved.Version);
        Assert.Equal(409, conflict.Status);
        Assert.Equal("Someone else changed this organisation after you opened it. Reload it to see their change, then apply yours again.", conflict.Detail);
        var now = await first.GetJsonAsync<OrganizationDto>(url);
        Assert.Equal("first editor's text", now.Description);
        Assert.Equal(saved.Version, now.Version);
    }

    [Fact]
    public async Task After_reloading_the_second_editor_can_save()
    {
        var (id, first, second) = await TwoEditorsAsync();
        var url = $"/api/v1/organizations/{id}";
        var stale = await second.GetJsonAsync<OrganizationDto>(url);
        await first.PutJsonAsync(url, Edit(stale, "first", stale.Version)).ExpectAsync(HttpStatusCode.OK);
        await second.PutJsonAsync(url, Edit(stale, "second", stale.Version)).ExpectAsync(HttpStatusCode.Conflict);

        var reloaded = await second.GetJsonAsync<OrganizationDto>(url);
        var saved = await second.PutJsonAsync(url, Edit(reloaded, "second", reloaded.Version)).ExpectAsync<OrganizationDto>(HttpStatusCode.OK);

        Assert.Equal("second", saved.Description);
    }

    [Fact]
    public async Task An_update_without_the_version_read_is_refused_naming_version()
    {
        var (id, first, _) = await TwoEditorsAsync();
        var url = $"/api/v1/organizations/{id}";
        var read = await first.GetJsonAsync<OrganizationDto>(url);

        var problem = await first.PutJsonAsync(url, Edit(read, "no version", null)).ExpectValidationProblemAsync();

        Assert.Equal(["version"], problem.Errors.Keys);
        Assert.Equal("original", (await first.GetJsonAsync<OrganizationDto>(url)).Description);
    }

    [Fact]
    public async Task Updating_an_organisation_that_does_not_exist_answers_404()
    {
        using var admin = portal.CreateBootstrapClient();
        var response = await admin.PutJsonAsync($"/api/v1/organizations/{Guid.NewGuid()}",
            new { name = "Ghost", kind = "foundry", country = "KR", version = 1 }).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
