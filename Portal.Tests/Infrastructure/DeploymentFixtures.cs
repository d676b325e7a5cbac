using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Accounts;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Seed data for deployment tests, stored straight through PortalDbContext (SKUs included: the tests
/// do not depend on the SKU API).
/// </summary>
public static class DeploymentFixtures
{
    public static Task<Guid> AddDeploymentAsync(
        this PortalFactory portal,
        string name,
        string country = "KR",
        Guid? ministryId = null,
        DeploymentStatus status = DeploymentStatus.Planned,
        double? plannedMw = null,
        double? installedMw = null,
        string? site = null,
        string? region = null,
        (double Latitude, double Longitude)? at = null,
        string[]? energySources = null,
        (Guid OrganizationId, ParticipantRole Role)[]? participants = null,
        (Guid SkuId, int Planned, int Installed)[]? hardware = null,
        (DateOnly Date, string Title, MilestoneStatus Status)[]? milestones = null) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var deployment = new SovereignDeployment
            {
                Name = name, Country = country, MinistryId = ministryId, Status = status, PlannedMw = plannedMw, InstalledMw = installedMw,
                Site = site, Region = region, Latitude = at?.Latitude, Longitude = at?.Longitude, EnergySources = [.. energySources ?? []],
                CreatedAt = now, UpdatedAt = now,
            };
            deployment.Participants.AddRange((participants ?? []).Select(p => new DeploymentParticipant { OrganizationId = p.OrganizationId, Role = p.Role }));
            deployment.HardwareLines.AddRange((hardware ?? []).Select(h => new HardwareLine { SkuId = h.SkuId, PlannedUnits = h.Planned, InstalledUnits = h.Installed }));
            deployment.Milestones.AddRange((milestones ?? []).Select(m => new Milestone { Date = m.Date, Title = m.Title, Status = m.Status }));
            db.Deployments.Add(deployment);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return deployment.Id;
        });

    /// <summary>A user who can sign in with a password, for browser journeys.</summary>
    public static Task<TestUser> CreateUserWithPasswordAsync(
        this PortalFactory portal, string displayName, string password, params (Guid OrganizationId, MemberRole Role)[] memberships) =>
        portal.InScopeAsync(async services =>
        {
            var user = await portal.CreateUserAsync(displayName, false, memberships);
            var users = services.GetRequiredService<UserManager<PortalUser>>();
            var stored = await users.FindByIdAsync(user.Id.ToString()) ?? throw new InvalidOperationException("The user vanished.");
            var result = await users.AddPasswordAsync(stored, password);
            if (!result.Succeeded)
                throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
            return user;
        });
}
