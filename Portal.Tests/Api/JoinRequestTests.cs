using System.Net;
using Portal.Api.Memberships;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Asking to join an organisation, the admin's decision, and the rule that an organisation keeps an admin.</summary>
public sealed class JoinRequestTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<(Guid Organization, TestUser Admin, HttpClient AdminClient)> OrganizationWithAdminAsync()
    {
        var organization = await portal.AddOrganizationAsync($"Joinable {Guid.NewGuid():N}", OrganizationKind.ChipDesigner, "KR");
        var admin = await portal.CreateUserAsync("Only admin", memberships: (organization, MemberRole.Admin));
        return (organization, admin, await portal.CreateClientForAsync(admin));
    }

    [Fact]
    public async Task An_approved_request_makes_the_applicant_a_member_with_the_requested_role()
    {
        var (organization, _, admin) = await OrganizationWithAdminAsync();
        var applicant = await portal.CreateUserAsync("Applicant");
        using var client = await portal.CreateClientForAsync(applicant);

        var request = await client.PostJsonAsync($"/api/v1/organizations/{organization}/join-requests", new { message = "We write kernels", role = "developer" })
            .ExpectAsync<JoinRequestDto>(HttpStatusCode.Created);
        Assert.Equal((JoinRequestStatus.Pending, MemberRole.Developer, applicant.Id), (request.Status, request.RequestedRole, request.UserId));
        var pending = await admin.GetJsonAsync<List<JoinRequestDto>>($"/api/v1/organizations/{organization}/join-requests");
        Assert.Equal([request.Id], pending.Select(r => r.Id));

        var approved = await admin.PostAsync($"/api/v1/join-requests/{request.Id}/approve", null).ExpectAsync<JoinRequestDto>(HttpStatusCode.OK);

        Assert.Equal(JoinRequestStatus.Approved, approved.Status);
        var members = await admin.GetJsonAsync<List<MemberDto>>($"/api/v1/organizations/{organization}/members");
        Assert.Contains(members, m => m.UserId == applicant.Id && m.Role == MemberRole.Developer);
        var me = await client.GetJsonAsync<MeDto>("/api/v1/me");
        Assert.Equal([(organization, MemberRole.Developer)], me.Memberships.Select(m => (m.OrganizationId, m.Role)));
        Assert.Empty(await admin.GetJsonAsync<List<JoinRequestDto>>($"/api/v1/organizations/{organization}/join-requests"));
    }

    [Fact]
    public async Task Asking_twice_while_the_first_request_is_pending_is_answered_409()
    {
        var (organization, _, _) = await OrganizationWithAdminAsync();
        using var client = await portal.CreateClientForAsync(await portal.CreateUserAsync("Impatient"));
        var url = $"/api/v1/organizations/{organization}/join-requests";
        await client.PostJsonAsync(url, new { }).ExpectAsync(HttpStatusCode.Created);

        var problem = await client.PostJsonAsync(url, new { role = "admin" }).ExpectAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(HttpStatusCode.Conflict);

        Assert.Contains("already asked", problem.Detail);
    }

    [Fact]
    public async Task A_member_asking_to_join_again_is_answered_409()
    {
        var (organization, _, admin) = await OrganizationWithAdminAsync();

        await admin.PostJsonAsync($"/api/v1/organizations/{organization}/join-requests", new { })
            .ExpectAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_declined_request_creates_no_membership_and_cannot_be_approved_afterwards()
    {
        var (organization, _, admin) = await OrganizationWithAdminAsync();
        var applicant = await portal.CreateUserAsync("Declined applicant");
        var request = await portal.AddJoinRequestAsync(organization, applicant, MemberRole.Member);

        var declined = await admin.PostAsync($"/api/v1/join-requests/{request.Id}/decline", null).ExpectAsync<JoinRequestDto>(HttpStatusCode.OK);
        await admin.PostAsync($"/api/v1/join-requests/{request.Id}/approve", null).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Equal(JoinRequestStatus.Declined, declined.Status);
        var members = await admin.GetJsonAsync<List<MemberDto>>($"/api/v1/organizations/{organization}/members");
        Assert.DoesNotContain(members, m => m.UserId == applicant.Id);
    }

    [Fact]
    public async Task A_request_for_an_unknown_role_is_refused_naming_role()
    {
        var (organization, _, _) = await OrganizationWithAdminAsync();
        using var client = await portal.CreateClientForAsync(await portal.CreateUserAsync("Would-be owner"));

        var problem = await client.PostJsonAsync($"/api/v1/organizations/{organization}/join-requests", new { role = "owner" })
            .ExpectValidationProblemAsync();

        Assert.Equal(["role"], problem.Errors.Keys);
    }

    [Fact]
    public async Task The_last_admin_can_be_neither_demoted_nor_removed()
    {
        var (organization, admin, client) = await OrganizationWithAdminAsync();
        var url = $"/api/v1/organizations/{organization}/members/{admin.Id}";

        var demotion = await client.PutJsonAsync(url, new { role = "member" }).ExpectAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(HttpStatusCode.Conflict);
        await client.DeleteAsync(url).ExpectAsync(HttpStatusCode.Conflict);

        Assert.Contains("last admin", demotion.Detail);
        var members = await client.GetJsonAsync<List<MemberDto>>($"/api/v1/organizations/{organization}/members");
        Assert.Equal([(admin.Id, MemberRole.Admin)], members.Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public async Task With_a_second_admin_the_first_can_step_down()
    {
        var (organization, admin, client) = await OrganizationWithAdminAsync();
        var second = await portal.CreateUserAsync("Second admin", memberships: (organization, MemberRole.Member));
        await client.PutJsonAsync($"/api/v1/organizations/{organization}/members/{second.Id}", new { role = "admin" })
            .ExpectAsync(HttpStatusCode.OK);

        var demoted = await client.PutJsonAsync($"/api/v1/organizations/{organization}/members/{admin.Id}", new { role = "member" })
            .ExpectAsync<MemberDto>(HttpStatusCode.OK);

        Assert.Equal(MemberRole.Member, demoted.Role);
        // No longer an admin: the former admin's next change is refused.
        await client.PutJsonAsync($"/api/v1/organizations/{organization}/members/{second.Id}", new { role = "member" })
            .ExpectAsync(HttpStatusCode.Forbidden);
    }
}
