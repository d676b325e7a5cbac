using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Data.Subscriptions;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Sends due deliveries from the outbox. A pass claims a batch (moving their due time past the request's timeout, so a
/// replica that dies mid-send leaves them to be retried: at least once), posts each signed body, and records the attempt:
/// a 2xx answer delivers; anything else waits <see cref="SubscriptionOptions.BackoffAfter"/> and tries again, until the last
/// attempt marks it failed. Time is the portal's <see cref="TimeProvider"/>, so tests move the backoff by hand.
/// </summary>
public sealed class WebhookSender(
    IServiceScopeFactory scopes, IHttpClientFactory clients, IOptions<SubscriptionOptions> options, TimeProvider time, WebhookSecrets secrets,
    ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string ClientName = "webhooks";
    private const int BatchSize = 20;

    // Raw SQL: FOR UPDATE SKIP LOCKED, so that replicas and overlapping passes never claim the same delivery.
    private const string ClaimSql = """
        update webhook_deliveries d
           set next_attempt_at = @claimed_until, attempts = d.attempts + 1
         where d.id in (select id from webhook_deliveries
                         where state = 'pending' and next_attempt_at <= @now
                         order by next_attempt_at, id
                         limit @limit
                           for update skip locked)
        returning d.id, d.webhook_id, d.kind, d.body, d.attempts
        """;

    /// <summary>One pass: the deliveries attempted.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = time.GetUtcNow();
        var claimed = await db.Database.SqlQueryRaw<ClaimedDelivery>(ClaimSql,
                // The claim lasts as long as the batch can take (its deliveries are posted one after another, each within
                // the timeout), and a little more: a shorter claim lets another replica take the batch's tail again meanwhile
                // and post it a second time.
                new NpgsqlParameter("claimed_until", now + TimeSpan.FromSeconds(settings.TimeoutSeconds * (BatchSize + 2))),
                new NpgsqlParameter("now", now), new NpgsqlParameter("limit", BatchSize))
            .ToListAsync(cancellationToken);
        if (claimed.Count == 0)
            return 0;
        var hookIds = claimed.Select(c => c.WebhookId).Distinct().ToList();
        var hooks = await db.Webhooks.AsNoTracking().Where(w => hookIds.Contains(w.Id))
            .Select(w => new { w.Id, w.Url, w.Secret }).ToDictionaryAsync(w => w.Id, cancellationToken);

        var client = clients.CreateClient(ClientName);
        foreach (var delivery in claimed)
        {
            if (!hooks.TryGetValue(delivery.WebhookId, out var hook))
                continue;
            var (status, error, elapsed) = await PostAsync(client, hook.Url, secrets.Open(hook.Secret), delivery, cancellationToken);
            var at = time.GetUtcNow();
            var delivered = status is >= 200 and < 300;
            var state = delivered ? DeliveryState.Delivered : delivery.Attempts >= settings.MaxAttempts ? DeliveryState.Failed : DeliveryState.Pending;
            var next = state == DeliveryState.Pending ? at + settings.BackoffAfter(delivery.Attempts) : at;
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                DeliveryId = delivery.Id, Number = delivery.Attempts, At = at, StatusCode = status, Error = Clip(error), DurationMs = elapsed,
            });
            await db.SaveChangesAsync(cancellationToken);
            await db.WebhookDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(u => u
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.DeliveredAt, delivered ? at : (DateTimeOffset?)null)
                .SetProperty(d => d.LastStatusCode, status)
                .SetProperty(d => d.LastError, Clip(error)), cancellationToken);
            if (!delivered)
                logger.LogInformation("Webhook delivery {Delivery} attempt {Attempt} failed: {Status} {Error}", delivery.Id, delivery.Attempts, status, error);
        }
        return claimed.Count;
    }

    private async Task<(int? Status, string? Error, int ElapsedMs)> PostAsync(
        HttpClient client, string url, string secret, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ConsortiumPortal-Webhooks", "1"));
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Kind);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, delivery.Body));
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and < 300 ? null : response.ReasonPhrase, (int)watch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"No answer within {options.Value.TimeoutSeconds} s.", (int)watch.ElapsedMilliseconds);
        }
        catch (HttpRequestException e)
        {
            return (null, e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, (int)watch.ElapsedMilliseconds);
        }
    }

    private static string? Clip(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SendIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while (await SendDueAsync(stoppingToken) == BatchSize)
                    {
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or DbUpdateException)
                {
                    logger.LogWarning("Webhook sending failed ({Message}); trying again at the next tick", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed record ClaimedDelivery(Guid Id, Guid WebhookId, string Kind, string Body, int Attempts);
}
