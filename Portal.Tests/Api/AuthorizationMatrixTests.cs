using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

public enum Role
{
    Anonymous,
    UserWithoutMembership,
    MemberOfThisOrganization,
    DeveloperOfThisOrganization,
    AdminOfThisOrganization,
    AdminOfAnotherOrganization,
    ConsortiumAdmin,
}

public enum Write
{
    CreateOrganization,
    UpdateOrganization,
    DeleteOrganization,
    CreateAlliance,
    UpdateAlliance,
    DeleteAlliance,
    ChangeMemberRole,
    ApproveJoinRequest,
}

/// <summary>Who may make which change: every role against every write, each on fresh rows.</summary>
public sealed class AuthorizationMatrixTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    // Who is allowed, and what they get; everyone else who is signed in gets 403, and nobody anonymous gets past 401.
    private static readonly Dictionary<Write, (HttpStatusCode Status, Role[] Allowed)> Rules = new()
    {
        [Write.CreateOrganization] = (HttpStatusCode.Created, [Role.ConsortiumAdmin]),
        [Write.UpdateOrganization] = (HttpStatusCode.OK, [Role.AdminOfThisOrganization, Role.ConsortiumAdmin]),
        [Write.DeleteOrganization] = (HttpStatusCode.NoContent, [Role.ConsortiumAdmin]),
        [Write.CreateAlliance] = (HttpStatusCode.Created, [Role.ConsortiumAdmin]),
        [Write.UpdateAlliance] = (HttpStatusCode.OK, [Role.ConsortiumAdmin]),
        [Write.DeleteAlliance] = (HttpStatusCode.NoContent, [Role.ConsortiumAdmin]),
        [Write.ChangeMemberRole] = (HttpStatusCode.OK, [Role.AdminOfThisOrganization, Role.ConsortiumAdmin]),
        [Write.ApproveJoinRequest] = (HttpStatusCode.OK, [Role.AdminOfThisOrganization, Role.ConsortiumAdmin]),
    };

    public static TheoryData<Role, Write, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<Role, Write, HttpStatusCode>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var (write, rule) in Rules)
            {
                var expected = role == Role.Anonymous ? HttpStatusCode.Unauthorized
                    : rule.Allowed.Contains(role) ? rule.Status
                    : HttpStatusCode.Forbidden;
                data.Add(role, write, expected);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_make_only_the_changes_its_rules_allow(Role role, Write write, HttpStatusCode expected)
    {
        var scene = await Scene.SetUpAsync(portal, role);
        var auditBefore = await portal.WithDbAsync(db => db.AuditEntries.CountAsync());

        var response = await scene.SendAsync(write);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{role} {write}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        var auditAfter = await portal.WithDbAsync(db => db.AuditEntries.CountAsync());
        if (response.IsSuccessStatusCode)
        {
            Assert.True(auditAfter > auditBefore, "an allowed change is audited");
        }
        else
        {
            Assert.Equal(auditBefore, auditAfter);
            Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
            Assert.True(await scene.IsUnchangedAsync(), $"{role} was refused {write}, yet something changed");
        }
    }

    /// <summary>An organisation, another one, an alliance, a member and a pending join request, plus a caller in the given role.</summary>
    private sealed record Scene(PortalFactory Portal, string Unique, HttpClient Client, Guid Organization, Guid Alliance, TestUser Member, Guid JoinRequest)
    {
        public static async Task<Scene> SetUpAsync(PortalFactory portal, Role role)
        {
            var unique = Guid.NewGuid().ToString("N")[..8];
            var organization = await portal.AddOrganizationAsync($"Target {unique}", OrganizationKind.Foundry, "KR");
            var other = await portal.AddOrganizationAsync($"Other {unique}", OrganizationKind.Foundry, "JP");
            var alliance = await portal.AddAllianceAsync($"Alliance {unique}");
            // The organisation has an admin of its own, so that demoting or approving never hits the last-admin rule.
            await portal.CreateUserAsync("Resident admin", memberships: (organization, MemberRole.Admin));
            var member = await portal.CreateUserAsync("Member", memberships: (organization, MemberRole.Member));
            var applicant = await portal.CreateUserAsync("Applicant");
            var request = await portal.AddJoinRequestAsync(organization, applicant, MemberRole.Developer);

            var caller = role switch
            {
                Role.Anonymous => null,
                Role.UserWithoutMembership => await portal.CreateUserAsync("Plain user"),
                Role.MemberOfThisOrganization => await portal.CreateUserAsync("Member caller", memberships: (organization, MemberRole.Member)),
                Role.DeveloperOfThisOrganization => await portal.CreateUserAsync("Developer caller", memberships: (organization, MemberRole.Developer)),
                Role.AdminOfThisOrganization => await portal.CreateUserAsync("Admin caller", memberships: (organization, MemberRole.Admin)),
                Role.AdminOfAnotherOrganization => await portal.CreateUserAsync("Other admin caller", memberships: (other, MemberRole.Admin)),
                Role.ConsortiumAdmin => await portal.CreateUserAsync("Consortium admin caller", consortiumAdmin: true),
                _ => throw new ArgumentOutOfRangeException(nameof(role)),
            };
            var client = caller is null ? portal.CreateAnonymousClient() : await portal.CreateClientForAsync(caller);
            return new Scene(portal, unique, client, organization, alliance, member, request.Id);
        }

        public async Task<HttpResponseMessage> SendAsync(Write write)
        {
            var versions = await Portal.WithDbAsync(async db => (
                Organization: await db.Organizations.Where(o => o.Id == Organization).Select(o => o.Version).SingleAsync(),
                Alliance: await db.Alliances.Where(a => a.Id == Alliance).Select(a => a.Version).SingleAsync()));
            return write switch
            {
                Write.CreateOrganization => await Client.PostJsonAsync("/api/v1/organizations",
                    new { name = $"New {Unique}", kind = "research", country = "DE" }),
                Write.UpdateOrganization => await Client.PutJsonAsync($"/api/v1/organizations/{Organization}",
                    new { name = $"Renamed {Unique}", kind = "foundry", country = "KR", version = versions.Organization }),
                Write.DeleteOrganization => await Client.DeleteAsync($"/api/v1/organizations/{Organization}"),
                Write.CreateAlliance => await Client.PostJsonAsync("/api/v1/alliances", new { name = $"New alliance {Unique}" }),
                Write.UpdateAlliance => await Client.PutJsonAsync($"/api/v1/alliances/{Alliance}",
                    new { name = $"Renamed alliance {Unique}", version = versions.Alliance }),
                Write.DeleteAlliance => await Client.DeleteAsync($"/api/v1/alliances/{Alliance}"),
                Write.ChangeMemberRole => await Client.PutJsonAsync($"/api/v1/organizations/{Organization}/members/{Member.Id}",
                    new { role = "developer" }),
                Write.ApproveJoinRequest => await Client.PostAsync($"/api/v1/join-requests/{JoinRequest}/approve", null),
                _ => throw new ArgumentOutOfRangeException(nameof(write)),
            };
        }

        public Task<bool> IsUnchangedAsync() => Portal.WithDbAsync(async db =>
            await db.Organizations.AnyAsync(o => o.Id == Organization && o.Name == $"Target {Unique}")
            && await db.Alliances.AnyAsync(a => a.Id == Alliance && a.Name == $"Alliance {Unique}")
            && await db.Memberships.AnyAsync(m => m.OrganizationId == Organization && m.UserId == Member.Id && m.Role == MemberRole.Member)
            && await db.JoinRequests.AnyAsync(r => r.Id == JoinRequest && r.Status == JoinRequestStatus.Pending)
            && !await db.Organizations.AnyAsync(o => o.Name == $"New {Unique}")
            && !await db.Alliances.AnyAsync(a => a.Name == $"New alliance {Unique}"));
    }
}
