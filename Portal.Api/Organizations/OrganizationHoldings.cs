using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Organizations;

/// <summary>What an organisation holds, for its page: its SKUs, agents, tests and deployments, each a link.</summary>
/// <param name="SkuCount">All its SKUs; <paramref name="Skus"/> lists the first <see cref="OrganizationHoldings.MaxListed"/> by name.</param>
/// <param name="TestCount">Its tests the reader may see.</param>
/// <param name="Sponsored">Deployments it sponsors as the ministry.</param>
/// <param name="Participating">Deployments it takes part in (operator, builder, supplier, …), and those whose hardware bill has its SKUs.</param>
public sealed record OrganizationHoldingsDto(
    Guid OrganizationId,
    int SkuCount,
    IReadOnlyList<HoldingLink> Skus,
    int AgentCount,
    IReadOnlyList<HoldingLink> Agents,
    int TestCount,
    IReadOnlyList<HoldingLink> Tests,
    IReadOnlyList<DeploymentLink> Sponsored,
    IReadOnlyList<DeploymentLink> Participating);

/// <param name="Detail">A short second line: a SKU's category, a test's op and language, an agent's host.</param>
public sealed record HoldingLink(Guid Id, string Name, string? Detail);

/// <param name="Roles">How the organisation takes part (a supplier also when its SKUs are on the hardware bill); empty when it sponsors.</param>
public sealed record DeploymentLink(Guid Id, string Name, string Country, DeploymentStatus Status, IReadOnlyList<ParticipantRole> Roles);

/// <summary>Reads <see cref="OrganizationHoldingsDto"/>: a few small queries, each by an indexed foreign key.</summary>
public static class OrganizationHoldings
{
    /// <summary>Rows listed per kind; the counts say how many there are, and the lists' own pages show them all.</summary>
    public const int MaxListed = 20;

    public static async Task<OrganizationHoldingsDto?> LoadAsync(PortalDbContext db, Caller? caller, Guid id, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == id, cancellationToken))
            return null;

        var skus = db.HardwareSkus.AsNoTracking().VisibleTo(caller).Where(s => s.VendorId == id);
        var skuCount = await skus.CountAsync(cancellationToken);
        var skuLinks = await skus.OrderBy(s => s.Name).Take(MaxListed)
            .Select(s => new { s.Id, s.Name, s.Category }).ToListAsync(cancellationToken);

        // Agents are the partners' operations: signed-in readers only.
        var agents = db.Agents.AsNoTracking().Where(a => caller != null && a.OrganizationId == id && a.RevokedAt == null);
        var agentCount = await agents.CountAsync(cancellationToken);
        var agentLinks = await agents.OrderBy(a => a.Name).Take(MaxListed)
            .Select(a => new HoldingLink(a.Id, a.Name, a.Hostname)).ToListAsync(cancellationToken);

        var tests = db.CompatibilityTests.AsNoTracking().VisibleTo(caller).Where(t => t.OrganizationId == id);
        var testCount = await tests.CountAsync(cancellationToken);
        var testLinks = await tests.OrderBy(t => t.Name).Take(MaxListed)
            .Select(t => new HoldingLink(t.Id, t.Name, t.Op + " · " + t.Language)).ToListAsync(cancellationToken);

        var deployments = db.Deployments.AsNoTracking().VisibleTo(caller);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => s.Id);
        var sponsored = await deployments.Where(d => d.MinistryId == id)
            .OrderBy(d => d.Name)
            .Select(d => new DeploymentLink(d.Id, d.Name, d.Country, d.Status, Array.Empty<ParticipantRole>()))
            .ToListAsync(cancellationToken);
        var roles = await db.Set<DeploymentParticipant>().AsNoTracking().Where(p => p.OrganizationId == id)
            .Select(p => new { p.DeploymentId, p.Role }).ToListAsync(cancellationToken);
        var supplied = await db.HardwareLines.AsNoTracking().Where(l => l.Sku.VendorId == id && visibleSkus.Contains(l.SkuId))
            .Select(l => l.DeploymentId).Distinct().ToListAsync(cancellationToken);
        var byDeployment = roles.Select(r => (r.DeploymentId, r.Role))
            .Concat(supplied.Select(d => (DeploymentId: d, Role: ParticipantRole.Supplier)))
            .GroupBy(r => r.DeploymentId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ParticipantRole>)[.. g.Select(r => r.Role).Distinct().Order()]);
        var participatingIds = byDeployment.Keys.ToList();
        var participating = await deployments.Where(d => participatingIds.Contains(d.Id))
            .OrderBy(d => d.Name)
            .Select(d => new { d.Id, d.Name, d.Country, d.Status })
            .ToListAsync(cancellationToken);

        return new OrganizationHoldingsDto(id,
            skuCount, [.. skuLinks.Select(s => new HoldingLink(s.Id, s.Name, Naming.ToSnakeCase(s.Category)))],
            agentCount, agentLinks,
            testCount, testLinks,
            sponsored,
            [.. participating.Select(d => new DeploymentLink(d.Id, d.Name, d.Country, d.Status, byDeployment[d.Id]))]);
    }
}
