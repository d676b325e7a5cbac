using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Every change leaves who, what and before/after in the audit log; a refused change leaves nothing.</summary>
public sealed class AuditTrailTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private sealed record Setup(Guid Organization, TestUser Admin, HttpClient Client, string Url);

    private async Task<Setup> OrganizationWithAdminAsync()
    {
        var organization = await portal.AddOrganizationAsync($"Audited {Guid.NewGuid():N}", OrganizationKind.Foundry, "KR",
            website: "https://old.example.com", description: "unchanged");
        var admin = await portal.CreateUserAsync("Audrey Admin", memberships: (organization, MemberRole.Admin));
        return new Setup(organization, admin, await portal.CreateClientForAsync(admin), $"/api/v1/organizations/{organization}");
    }

    private Task<List<AuditEntry>> EntriesAsync(Guid organization) =>
        portal.WithDbAsync(db => db.AuditEntries.Where(e => e.EntityId == organization.ToString()).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task An_update_records_who_changed_which_fields_from_what_to_what()
    {
        var (id, admin, client, url) = await OrganizationWithAdminAsync();
        var alliance = await portal.AddAllianceAsync($"Alliance {Guid.NewGuid():N}");
        var read = await client.GetJsonAsync<OrganizationDto>(url);
        portal.Time.Advance(TimeSpan.FromMinutes(5));

        await client.PutJsonAsync(url, new
        {
            name = read.Name, kind = "memory_maker", country = "KR", website = "https://new.example.com",
            description = "unchanged", allianceIds = new[] { alliance }, version = read.Version,
        }).ExpectAsync(HttpStatusCode.OK);

        var history = await client.GetJsonAsync<PagedList<AuditEntryDto>>($"{url}/audit");
        var update = history.Items[0];
        Assert.Equal(("updated", "Organization", id.ToString()), (update.Action, update.EntityType, update.EntityId));
        Assert.Equal((admin.Id, "Audrey Admin"), (update.ActorUserId, update.ActorName));
        Assert.Equal(portal.Time.GetUtcNow(), update.At);
        var allianceName = await portal.WithDbAsync(db => db.Alliances.Where(a => a.Id == alliance).Select(a => a.Name).SingleAsync());
        Assert.Equal(
            [
                new AuditChange("Alliances", "", allianceName),
                new AuditChange("Kind", "foundry", "memory_maker"),
                new AuditChange("Website", "https://old.example.com", "https://new.example.com"),
            ],
            update.Changes.OrderBy(c => c.Field));
        Assert.Equal(["created", "updated"], history.Items.Select(e => e.Action).Reverse());
    }

    [Fact]
    public async Task A_creation_through_the_api_records_every_field_it_set()
    {
        using var admin = portal.CreateBootstrapClient();
        var created = await admin.PostJsonAsync("/api/v1/organizations", new { name = $"Fresh {Guid.NewGuid():N}", kind = "energy", country = "NO" })
            .ExpectAsync<OrganizationDto>(HttpStatusCode.Created);

        var entry = Assert.Single(await EntriesAsync(created.Id));

        Assert.Equal(("created", "Bootstrap admin"), (entry.Action, entry.ActorName));
        Assert.Contains(new AuditChange("Name", null, created.Name), entry.Changes);
        Assert.Contains(new AuditChange("Kind", null, "energy"), entry.Changes);
        Assert.Contains(new AuditChange("Country", null, "NO"), entry.Changes);
        Assert.DoesNotContain(entry.Changes, c => c.Field is "Version" or "CreatedAt" or "UpdatedAt");
    }

    [Fact]
    public async Task A_forbidden_change_records_nothing()
    {
        var (id, _, _, url) = await OrganizationWithAdminAsync();
        var member = await portal.CreateUserAsync("Mere member", memberships: (id, MemberRole.Member));
        using var client = await portal.CreateClientForAsync(member);
        var read = await client.GetJsonAsync<OrganizationDto>(url);
        var before = await portal.WithDbAsync(db => db.AuditEntries.CountAsync());

        await client.PutJsonAsync(url, new { name = "Hijacked", kind = "foundry", country = "KR", version = read.Version })
            .ExpectAsync(HttpStatusCode.Forbidden);
        await client.DeleteAsync(url).ExpectAsync(HttpStatusCode.Forbidden);

        Assert.Equal(before, await portal.WithDbAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task An_invalid_or_conflicting_change_records_nothing()
    {
        var (id, _, client, url) = await OrganizationWithAdminAsync();
        var read = await client.GetJsonAsync<OrganizationDto>(url);
        var before = await EntriesAsync(id);

        await client.PutJsonAsync(url, new { name = read.Name, kind = "foundry", country = "XX", version = read.Version })
            .ExpectAsync(HttpStatusCode.BadRequest);
        await client.PutJsonAsync(url, new { name = read.Name, kind = "foundry", country = "KR", version = read.Version + 1 })
            .ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal(before.Select(e => e.Id), (await EntriesAsync(id)).Select(e => e.Id));
    }

    [Fact]
    public async Task Token_changes_are_visible_to_their_owner_only_not_even_to_consortium_admins()
    {
        var owner = await portal.CreateUserAsync("Token owner");
        var stranger = await portal.CreateUserAsync("Stranger");
        using var ownerClient = await portal.CreateClientForAsync(owner);
        using var strangerClient = await portal.CreateClientForAsync(stranger);
        using var consortiumAdmin = portal.CreateBootstrapClient();

        var ownerSees = await ownerClient.GetJsonAsync<PagedList<AuditEntryDto>>("/api/v1/audit?entityType=ApiToken&pageSize=200");
        var strangerSees = await strangerClient.GetJsonAsync<PagedList<AuditEntryDto>>("/api/v1/audit?entityType=ApiToken&pageSize=200");
        var adminSees = await consortiumAdmin.GetJsonAsync<PagedList<AuditEntryDto>>("/api/v1/audit?entityType=ApiToken&pageSize=200");

        Assert.Contains(ownerSees.Items, e => e.ActorUserId == owner.Id);
        Assert.All(ownerSees.Items, e => Assert.Equal(owner.Id, e.ActorUserId));
        Assert.DoesNotContain(strangerSees.Items, e => e.ActorUserId == owner.Id);
        Assert.DoesNotContain(adminSees.Items, e => e.ActorUserId == owner.Id || e.ActorUserId == stranger.Id);
        Assert.NotEmpty(adminSees.Items);
    }
}
