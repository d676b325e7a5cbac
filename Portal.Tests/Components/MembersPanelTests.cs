using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Memberships;
using Portal.Components.Organizations;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>An organisation's members panel: e-mail addresses for co-members and consortium admins, names for everyone else.</summary>
public sealed class MembersPanelTests : DatabaseComponentContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected override void AddFeatureServices(IServiceCollection services) => services.AddScoped<MembershipService>();

    [Fact]
    public async Task A_reader_from_another_organisation_sees_the_members_names_without_their_e_mail_addresses()
    {
        var lab = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Secret Lab", OrganizationKind.ChipDesigner, "KR"));
        var fab = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Curious Fab", OrganizationKind.Foundry, "KR"));
        await MemberWithEmailAsync("Lab admin", "lab.admin@lab.example", lab);
        await SignInAsync("Fab admin", (fab, MemberRole.Admin));

        var panel = Render<MembersPanel>(p => p.Add(x => x.OrganizationId, lab));

        panel.WaitForAssertion(() => Assert.Contains("Lab admin", panel.Find("[data-testid=members]").TextContent), Patience);
        Assert.DoesNotContain("lab.admin@lab.example", panel.Markup);
        Assert.Empty(panel.FindAll("[data-testid=member-email]"));
    }

    [Fact]
    public async Task A_co_member_sees_the_members_e_mail_addresses()
    {
        var lab = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Secret Lab", OrganizationKind.ChipDesigner, "KR"));
        await MemberWithEmailAsync("Lab admin", "lab.admin@lab.example", lab);
        await SignInAsync("Lab member", (lab, MemberRole.Member));

        var panel = Render<MembersPanel>(p => p.Add(x => x.OrganizationId, lab));

        panel.WaitForAssertion(() => Assert.Contains("lab.admin@lab.example", panel.FindAll("[data-testid=member-email]").Select(e => e.TextContent.Trim())), Patience);
    }

    private Task<Guid> MemberWithEmailAsync(string name, string email, Guid organization) =>
        WithDbAsync(async db =>
        {
            var user = await AgentRows.UserAsync(db, name, (organization, MemberRole.Admin));
            var stored = await db.Users.FindAsync(user);
            stored!.Email = email;
            await db.SaveChangesAsync();
            return user;
        });

    private async Task SignInAsync(string name, params (Guid Organization, MemberRole Role)[] memberships)
    {
        var user = await WithDbAsync(db => AgentRows.UserAsync(db, name, memberships));
        Authorization.SetAuthorized(name).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.ToString()));
    }

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }
}
