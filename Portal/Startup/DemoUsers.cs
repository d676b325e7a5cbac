using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Startup;

/// <summary>One demo account per role (Development only), and the account the bootstrap token acts as.</summary>
public sealed class DemoUsers(UserManager<PortalUser> users, PortalDbContext db, TimeProvider time)
{
    public const string BootstrapAdminEmail = "bootstrap-admin@portal.local";

    public sealed record DemoAccount(string Email, string DisplayName, string Description, string? Organization, MemberRole? Role, bool ConsortiumAdmin);

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("admin@consortium.demo", "Consortium Admin", "consortium admin", null, null, ConsortiumAdmin: true),
        new("partner@samsung.demo", "Partner Admin (Samsung)", "partner admin at Samsung Electronics", "Samsung Electronics", MemberRole.Admin, false),
        new("officer@msit.demo", "Ministry Officer (MSIT)", "ministry officer at the Ministry of Science and ICT", "Ministry of Science and ICT", MemberRole.Member, false),
        new("developer@furiosa.demo", "Kernel Developer", "developer at FuriosaAI", "FuriosaAI", MemberRole.Developer, false),
    ];

    public async Task EnsureAsync(string password, CancellationToken cancellationToken)
    {
        foreach (var account in Accounts)
        {
            var user = await users.FindByEmailAsync(account.Email);
            if (user is not null)
                continue;
            user = new PortalUser
            {
                UserName = account.Email,
                Email = account.Email,
                EmailConfirmed = true,
                DisplayName = account.DisplayName,
                IsConsortiumAdmin = account.ConsortiumAdmin,
                CreatedAt = time.GetUtcNow(),
            };
            Check(await users.CreateAsync(user, password), account.Email);
            if (account.Organization is null)
                continue;
            var organizationId = await db.Organizations.Where(o => o.Name == account.Organization).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
            if (organizationId is null)
                continue;
            db.Memberships.Add(new Membership { OrganizationId = organizationId.Value, UserId = user.Id, Role = account.Role!.Value, JoinedAt = time.GetUtcNow() });
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The consortium admin behind PORTAL_BOOTSTRAP_TOKEN; it has no password and cannot sign in.</summary>
    public async Task<Guid> EnsureBootstrapAdminAsync(CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(BootstrapAdminEmail);
        if (user is null)
        {
            user = new PortalUser
            {
                UserName = BootstrapAdminEmail,
                Email = BootstrapAdminEmail,
                EmailConfirmed = true,
                DisplayName = "Bootstrap admin",
                IsConsortiumAdmin = true,
                CreatedAt = time.GetUtcNow(),
            };
            Check(await users.CreateAsync(user), BootstrapAdminEmail);
        }
        else if (!user.IsConsortiumAdmin)
        {
            user.IsConsortiumAdmin = true;
            Check(await users.UpdateAsync(user), BootstrapAdminEmail);
        }
        return user.Id;
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
