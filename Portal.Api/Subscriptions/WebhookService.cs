using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// An organisation's webhooks: its admins (and consortium admins) list, create and delete them, read their delivery log
/// and send a test event. To anyone else an organisation's webhooks do not exist.
/// </summary>
public sealed class WebhookService(PortalDbContext db, WebhookTargets targets, WebhookSecrets secrets)
{
    public const int LogLimit = 50;

    public async Task<Outcome<List<WebhookDto>>> ListAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        if (await OrganizationRefusalAsync<List<WebhookDto>>(caller, organizationId, cancellationToken) is { } refused)
            return refused;
        return await Project(db.Webhooks.Where(w => w.OrganizationId == organizationId).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id))
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<CreatedWebhookDto>> CreateAsync(Caller caller, Guid organizationId, WebhookInput input, CancellationToken cancellationToken)
    {
        if (await OrganizationRefusalAsync<CreatedWebhookDto>(caller, organizationId, cancellationToken) is { } refused)
            return refused;
        var errors = new ValidationErrors();
        var url = input.Url?.Trim();
        if (targets.Refusal(url) is { } reason)
            errors.Add("url", Localized<WebhookText>.Get(reason));
        var kinds = (input.Kinds ?? []).Select(k => k?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (kinds.Count == 0)
            errors.Add("kinds", Localized<WebhookText>.Get("Kinds.Required"));
        foreach (var unknown in kinds.Where(k => !ChangeKinds.Names.Contains(k)))
            errors.Add("kinds", Localized<WebhookText>.Format("Kinds.Unknown", unknown, string.Join(", ", ChangeKinds.Names)));
        if (errors.Any)
            return errors.ToOutcome<CreatedWebhookDto>();

        var secret = WebhookSignature.NewSecret();
        var webhook = new Webhook
        {
            OrganizationId = organizationId, Url = url!, Secret = secrets.Seal(secret),
            Kinds = [.. ChangeKinds.Names.Where(kinds.Contains)], CreatedByUserId = caller.UserId, CreatedAt = db.Now, UpdatedAt = db.Now,
        };
        db.Webhooks.Add(webhook);
        await db.SaveAsAsync(caller, cancellationToken);
        var dto = await Project(db.Webhooks.Where(w => w.Id == webhook.Id)).SingleAsync(cancellationToken);
        return new CreatedWebhookDto(dto, secret);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var webhook = await db.Webhooks.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (webhook is null || !caller.IsAdminOf(webhook.OrganizationId))
            return new Outcome<bool>.NotFound(Localized<WebhookText>.Format("NotFound", id));
        db.Webhooks.Remove(webhook);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    /// <summary>The newest deliveries first, each with its attempts.</summary>
    public async Task<Outcome<List<WebhookDeliveryDto>>> DeliveriesAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var organizationId = await db.Webhooks.Where(w => w.Id == id).Select(w => (Guid?)w.OrganizationId).FirstOrDefaultAsync(cancellationToken);
        if (organizationId is null || !caller.IsAdminOf(organizationId.Value))
            return new Outcome<List<WebhookDeliveryDto>>.NotFound(Localized<WebhookText>.Format("NotFound", id));
        var rows = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.WebhookId == id)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Take(LogLimit)
            .Select(d => new
            {
                d.Id, d.Kind, d.State, d.Attempts, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError,
                Log = d.AttemptLog.OrderBy(a => a.Number).Select(a => new WebhookAttemptDto(a.Number, a.At, a.StatusCode, a.Error, a.DurationMs)).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(d => new WebhookDeliveryDto(d.Id, d.Kind, Portal.Data.Naming.ToSnakeCase(d.State), d.Attempts, d.CreatedAt,
            d.State == DeliveryState.Pending ? d.NextAttemptAt : null, d.DeliveredAt, d.LastStatusCode, d.LastError, d.Log)).ToList();
    }

    /// <summary>Queues a <c>ping</c> delivery, signed and retried like any other, so that an admin can check the receiver.</summary>
    public async Task<Outcome<WebhookDeliveryDto>> SendTestAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var webhook = await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (webhook is null || !caller.IsAdminOf(webhook.OrganizationId))
            return new Outcome<WebhookDeliveryDto>.NotFound(Localized<WebhookText>.Format("NotFound", id));
        var now = db.Now;
        var delivery = new WebhookDelivery
        {
            WebhookId = id, Kind = ChangeKinds.PingName, Body = "", State = DeliveryState.Pending, NextAttemptAt = now, CreatedAt = now,
        };
        delivery.Body = new WebhookPayload(delivery.Id, ChangeKinds.PingName, now, webhook.OrganizationId,
            Message: "A test event from the Consortium Portal.").Serialize();
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookDeliveryDto(delivery.Id, delivery.Kind, "pending", 0, now, now, null, null, null, []);
    }

    private async Task<Outcome<T>?> OrganizationRefusalAsync<T>(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
            return new Outcome<T>.NotFound(Localized<WebhookText>.Format("OrganizationNotFound", organizationId));
        return caller.IsAdminOf(organizationId) ? null : new Outcome<T>.Forbidden(Localized<WebhookText>.Get("AdminsOnly"));
    }

    private IQueryable<WebhookDto> Project(IQueryable<Webhook> webhooks) =>
        webhooks.AsNoTracking().Select(w => new WebhookDto(w.Id, w.OrganizationId, w.Url, w.Kinds, w.CreatedAt,
            db.WebhookDeliveries.Count(d => d.WebhookId == w.Id && d.State == DeliveryState.Pending),
            db.WebhookDeliveries.Count(d => d.WebhookId == w.Id && d.State == DeliveryState.Delivered),
            db.WebhookDeliveries.Count(d => d.WebhookId == w.Id && d.State == DeliveryState.Failed),
            true));
}
