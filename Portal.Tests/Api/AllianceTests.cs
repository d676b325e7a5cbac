using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Alliances;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Alliances through the API: create, rename with the version read, search, delete.</summary>
public sealed class AllianceTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task An_alliance_is_created_renamed_and_deleted_and_its_members_stay()
    {
        using var admin = portal.CreateBootstrapClient();
        var created = await admin.PostJsonAsync("/api/v1/alliances", new { name = " Open Kernels ", description = "Portable kernels" })
            .ExpectAsync<AllianceDto>(HttpStatusCode.Created);
        var member = await portal.AddOrganizationAsync($"Member {Guid.NewGuid():N}", OrganizationKind.Research, "FR", allianceIds: created.Id);
        Assert.Equal(("Open Kernels", 1), (created.Name, (await admin.GetJsonAsync<AllianceDto>($"/api/v1/alliances/{created.Id}")).OrganizationCount));

        var renamed = await admin.PutJsonAsync($"/api/v1/alliances/{created.Id}", new { name = "Open Kernels Alliance", version = created.Version })
            .ExpectAsync<AllianceDto>(HttpStatusCode.OK);
        await admin.PutJsonAsync($"/api/v1/alliances/{created.Id}", new { name = "Stale rename", version = created.Version })
            .ExpectAsync(HttpStatusCode.Conflict);
        await admin.DeleteAsync($"/api/v1/alliances/{created.Id}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal("Open Kernels Alliance", renamed.Name);
        await admin.GetAsync($"/api/v1/alliances/{created.Id}").ExpectAsync(HttpStatusCode.NotFound);
        var organization = await admin.GetJsonAsync<OrganizationDto>($"/api/v1/organizations/{member}");
        Assert.Empty(organization.Alliances);
    }

    [Fact]
    public async Task A_second_alliance_with_the_same_name_in_another_case_is_refused()
    {
        using var admin = portal.CreateBootstrapClient();
        var name = $"Twin {Guid.NewGuid():N}";
        await admin.PostJsonAsync("/api/v1/alliances", new { name }).ExpectAsync(HttpStatusCode.Created);

        var problem = await admin.PostJsonAsync("/api/v1/alliances", new { name = name.ToUpperInvariant() }).ExpectValidationProblemAsync();

        Assert.Equal(["name"], problem.Errors.Keys);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Alliances.CountAsync(a => a.Name.ToLower() == name.ToLower())));
    }

    [Fact]
    public async Task Search_takes_wildcard_characters_literally()
    {
        foreach (var name in new[] { "Half (50%) shared", "Half (500) shared", "Snake a_b", "Snake aXb" })
            await portal.AddAllianceAsync(name);
        using var client = portal.CreateBootstrapClient();

        var percent = await client.GetJsonAsync<PagedList<AllianceDto>>("/api/v1/alliances?q=" + Uri.EscapeDataString("50%"));
        var underscore = await client.GetJsonAsync<PagedList<AllianceDto>>("/api/v1/alliances?q=a_b");

        Assert.Equal(["Half (50%) shared"], percent.Items.Select(a => a.Name));
        Assert.Equal(["Snake a_b"], underscore.Items.Select(a => a.Name));
    }
}
