using Portal.Api.Deployments;
using Portal.Api.Skus;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Who hears of a change, and what they are told. A verdict change or regression goes to the SKU's vendor and the test's
/// organisation, and only to those that may see the test (TestAccess, with the organisation as the reader): another
/// organisation's private test never leaves the portal. A new SKU goes to every subscriber; a slipped milestone to the
/// deployment's ministry, its participants and the vendors of its hardware.
/// </summary>
internal sealed class WebhookFanout(PortalDbContext db)
{
    public async Task QueueAsync(IReadOnlyList<ChangeEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
            return;
        var hooks = await db.Webhooks.AsNoTracking().Select(w => new { w.Id, w.OrganizationId, w.Kinds }).ToListAsync(cancellationToken);
        if (hooks.Count == 0)
            return;

        var skuIds = events.Where(e => e.SkuId != null).Select(e => e.SkuId!.Value).Distinct().ToList();
        var skus = await db.HardwareSkus.AsNoTracking().Where(s => skuIds.Contains(s.Id))
            .Select(s => new { s.Id, s.Name, s.VendorId, s.Publication }).ToDictionaryAsync(s => s.Id, cancellationToken);
        var testIds = events.Where(e => e.TestId != null).Select(e => e.TestId!.Value).Distinct().ToList();
        var tests = await db.CompatibilityTests.AsNoTracking().Where(t => testIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Name, t.Language, t.OrganizationId, t.Visibility }).ToDictionaryAsync(t => t.Id, cancellationToken);
        var deploymentIds = events.Where(e => e.DeploymentId != null).Select(e => e.DeploymentId!.Value).Distinct().ToList();
        var deployments = await db.Deployments.AsNoTracking().Where(d => deploymentIds.Contains(d.Id))
            .Select(d => new
            {
                d.Id,
                d.Name,
                d.MinistryId,
                d.Publication,
                Participants = d.Participants.Select(p => p.OrganizationId).ToList(),
                Vendors = d.HardwareLines.Select(l => l.Sku.VendorId).ToList(),
            })
            .ToDictionaryAsync(d => d.Id, cancellationToken);

        foreach (var change in events)
        {
            var kind = change.Kind.Name();
            foreach (var hook in hooks.Where(h => h.Kinds.Contains(kind)))
            {
                var organization = hook.OrganizationId;
                var delivery = new WebhookDelivery
                {
                    WebhookId = hook.Id, EventId = change.Id, Kind = kind, Body = "", State = DeliveryState.Pending, NextAttemptAt = now, CreatedAt = now,
                };
                WebhookPayload? payload = null;
                // The organisation reads as one of its members would: TestAccess, SkuAccess and DeploymentAccess decide whether
                // the test, the SKU (a private or embargoed one is its vendor's alone) and the deployment exist for it.
                var reader = new Caller(Guid.Empty, "", false, new Dictionary<Guid, MemberRole> { [organization] = MemberRole.Member });
                switch (change.Kind)
                {
                    case ChangeKind.VerdictChanged or ChangeKind.Regression
                        when skus.TryGetValue(change.SkuId!.Value, out var sku) && tests.TryGetValue(change.TestId!.Value, out var test):
                        if ((sku.VendorId == organization || test.OrganizationId == organization) && TestAccess.CanSee(reader, test.OrganizationId, test.Visibility)
                            && SkuAccess.CanSee(reader, sku.VendorId, sku.Publication))
                        {
                            payload = new WebhookPayload(delivery.Id, kind, change.OccurredAt, organization,
                                Sku: new WebhookSubject(sku.Id, sku.Name, $"/skus/{sku.Id}"),
                                Test: new WebhookTest(test.Id, test.Name, test.Language, $"/tests/{test.Id}"),
                                JobId: change.JobId, Verdict: change.Verdict, PreviousVerdict: change.PreviousVerdict,
                                DriverVersion: change.DriverVersion, PreviousDriverVersion: change.PreviousDriverVersion);
                        }
                        break;
                    case ChangeKind.NewSku when skus.TryGetValue(change.SkuId!.Value, out var sku) && SkuAccess.CanSee(reader, sku.VendorId, sku.Publication):
                        payload = new WebhookPayload(delivery.Id, kind, change.OccurredAt, organization, Sku: new WebhookSubject(sku.Id, sku.Name, $"/skus/{sku.Id}"));
                        break;
                    case ChangeKind.MilestoneSlipped when deployments.TryGetValue(change.DeploymentId!.Value, out var deployment):
                        if ((deployment.MinistryId == organization || deployment.Participants.Contains(organization) || deployment.Vendors.Contains(organization))
                            && DeploymentAccess.CanSee(reader, deployment.Publication, deployment.MinistryId, deployment.Participants))
                        {
                            payload = new WebhookPayload(delivery.Id, kind, change.OccurredAt, organization,
                                Deployment: new WebhookSubject(deployment.Id, deployment.Name, $"/deployments/{deployment.Id}"),
                                Milestone: new WebhookMilestone(change.MilestoneId!.Value, change.MilestoneTitle ?? "", change.MilestoneDate!.Value));
                        }
                        break;
                }
                if (payload is null)
                    continue;
                delivery.Body = payload.Serialize();
                db.WebhookDeliveries.Add(delivery);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
