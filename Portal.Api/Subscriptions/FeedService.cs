using Portal.Api.Deployments;
using Portal.Api.Skus;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Atom feeds (RFC 4287) of a SKU, a deployment and an organisation, built from the recorded <see cref="ChangeEvent"/>s.
/// A feed is read as an anonymous reader would read it, whoever asks: only tests that reader may see (TestAccess with no
/// caller: consortium-visible and built-in tests), SKUs and deployments (public ones only), so a feed can be shared and cached as it is, and a
/// private test's name or verdict never appears in one.
/// </summary>
public sealed class FeedService(PortalDbContext db)
{
    public const int EntryLimit = 50;

    public async Task<AtomFeed?> SkuAsync(Guid id, CancellationToken cancellationToken)
    {
        var sku = await db.HardwareSkus.AsNoTracking().VisibleTo(null).Where(s => s.Id == id).Select(s => new { s.Id, s.Name, s.UpdatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (sku is null)
            return null;
        var entries = await EntriesAsync(Visible().Where(e => e.SkuId == id), cancellationToken);
        return Feed($"skus/{id}", $"/skus/{id}", Localized<WebhookText>.Format("Feed.Sku", sku.Name), sku.UpdatedAt, entries);
    }

    /// <summary>A deployment's slipped milestones, and the verdict changes and regressions of the SKUs it plans to use.</summary>
    public async Task<AtomFeed?> DeploymentAsync(Guid id, CancellationToken cancellationToken)
    {
        var deployment = await db.Deployments.AsNoTracking().VisibleTo(null).Where(d => d.Id == id)
            .Select(d => new { d.Id, d.Name, d.UpdatedAt, Skus = d.HardwareLines.Select(l => l.SkuId).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        if (deployment is null)
            return null;
        var skus = deployment.Skus;
        var entries = await EntriesAsync(Visible().Where(e => e.DeploymentId == id
            || (e.SkuId != null && skus.Contains(e.SkuId.Value) && (e.Kind == ChangeKind.Regression || e.Kind == ChangeKind.VerdictChanged))), cancellationToken);
        return Feed($"deployments/{id}", $"/deployments/{id}", Localized<WebhookText>.Format("Feed.Deployment", deployment.Name), deployment.UpdatedAt, entries);
    }

    /// <summary>An organisation's SKUs (new ones, verdict changes, regressions) and its ministry's deployments' slipped milestones.</summary>
    public async Task<AtomFeed?> OrganizationAsync(Guid id, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == id).Select(o => new { o.Id, o.Name, o.UpdatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (organization is null)
            return null;
        var skus = db.HardwareSkus.Where(s => s.VendorId == id).Select(s => (Guid?)s.Id);
        var deployments = db.Deployments.Where(d => d.MinistryId == id).Select(d => (Guid?)d.Id);
        var entries = await EntriesAsync(Visible().Where(e => skus.Contains(e.SkuId) || deployments.Contains(e.DeploymentId)), cancellationToken);
        return Feed($"organizations/{id}", $"/organizations/{id}", Localized<WebhookText>.Format("Feed.Organization", organization.Name),
            organization.UpdatedAt, entries);
    }

    /// <summary>
    /// Events whose test, SKU and deployment (each where there is one) the anonymous reader may see: TestAccess, SkuAccess and
    /// DeploymentAccess, the one rule of each. A private or embargoed SKU's events stay out of every feed until it is public.
    /// </summary>
    private IQueryable<ChangeEvent> Visible()
    {
        var visibleTests = db.CompatibilityTests.VisibleTo(null).Select(t => (Guid?)t.Id);
        var visibleSkus = db.HardwareSkus.VisibleTo(null).Select(s => (Guid?)s.Id);
        var visibleDeployments = db.Deployments.VisibleTo(null).Select(d => (Guid?)d.Id);
        return db.ChangeEvents.AsNoTracking().Where(e => (e.TestId == null || visibleTests.Contains(e.TestId))
            && (e.SkuId == null || visibleSkus.Contains(e.SkuId)) && (e.DeploymentId == null || visibleDeployments.Contains(e.DeploymentId)));
    }

    private async Task<List<AtomEntry>> EntriesAsync(IQueryable<ChangeEvent> events, CancellationToken cancellationToken)
    {
        var rows = await events
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(EntryLimit)
            .Select(e => new
            {
                Event = e,
                Sku = db.HardwareSkus.Where(s => s.Id == e.SkuId).Select(s => s.Name).FirstOrDefault(),
                Test = db.CompatibilityTests.Where(t => t.Id == e.TestId).Select(t => t.Name + " (" + t.Language + ")").FirstOrDefault(),
                Deployment = db.Deployments.Where(d => d.Id == e.DeploymentId).Select(d => d.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => Entry(r.Event, r.Sku ?? "", r.Test ?? "", r.Deployment ?? ""))];
    }

    private static AtomEntry Entry(ChangeEvent e, string sku, string test, string deployment)
    {
        var id = $"change/{e.Id}";
        return e.Kind switch
        {
            ChangeKind.Regression => new AtomEntry(id, Localized<WebhookText>.Format("Entry.Regression", test, sku, e.PreviousVerdict, e.Verdict),
                e.OccurredAt, $"/skus/{e.SkuId}", Localized<WebhookText>.Format("Entry.RegressionDrivers", e.PreviousDriverVersion ?? "?", e.Verdict,
                    e.DriverVersion ?? "?")),
            ChangeKind.VerdictChanged => new AtomEntry(id, Localized<WebhookText>.Format("Entry.VerdictChanged", test, sku, e.PreviousVerdict, e.Verdict),
                e.OccurredAt, $"/skus/{e.SkuId}", null),
            ChangeKind.NewSku => new AtomEntry(id, Localized<WebhookText>.Format("Entry.NewSku", sku), e.OccurredAt, $"/skus/{e.SkuId}", null),
            _ => new AtomEntry(id, Localized<WebhookText>.Format("Entry.MilestoneSlipped", deployment, e.MilestoneTitle,
                    e.MilestoneDate?.ToString("d", CultureInfo.CurrentCulture)),
                e.OccurredAt, $"/deployments/{e.DeploymentId}", null),
        };
    }

    private static AtomFeed Feed(string id, string page, string title, DateTimeOffset updated, List<AtomEntry> entries) =>
        new(id, title, page, entries.Count == 0 ? updated : entries.Max(e => e.Updated) > updated ? entries.Max(e => e.Updated) : updated, entries);
}

/// <summary>A feed before it is written: paths are relative to the portal, ids relative to its feed namespace.</summary>
public sealed record AtomFeed(string Id, string Title, string PagePath, DateTimeOffset Updated, IReadOnlyList<AtomEntry> Entries);

public sealed record AtomEntry(string Id, string Title, DateTimeOffset Updated, string PagePath, string? Summary);
