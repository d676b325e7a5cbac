using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Accounts;

namespace Portal.Api.Subscriptions;

public static class SubscriptionServices
{
    /// <summary>Change detection, the webhook outbox's sender, webhook management and the Atom feeds.</summary>
    public static IServiceCollection AddSubscriptions(this IServiceCollection services)
    {
        services.AddOptions<SubscriptionOptions>().BindConfiguration(SubscriptionOptions.Section)
            .Validate(o => o.MaxAttempts >= 1 && o.BackoffSeconds >= 1 && o.MaxBackoffSeconds >= o.BackoffSeconds && o.TimeoutSeconds >= 1
                && o.DetectIntervalSeconds >= 1 && o.SendIntervalSeconds >= 1 && o.OverlapSeconds >= 0, "Portal:Subscriptions has an out-of-range value.")
            .ValidateOnStart();
        services.AddSingleton<WebhookTargets>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                // Through a proxy, ConnectCallback would check the proxy's address, not the webhook's: no proxy, so the
                // target check (WebhookTargets) sees every address a delivery connects to.
                UseProxy = false,
                ConnectCallback = provider.GetRequiredService<WebhookTargets>().ConnectAsync,
            });
        services.AddSingleton<ChangeDetector>().AddHostedService(sp => sp.GetRequiredService<ChangeDetector>());
        services.AddSingleton<WebhookSender>().AddHostedService(sp => sp.GetRequiredService<WebhookSender>());
        services.AddScoped<WebhookService>().AddScoped<FeedService>();
        // The secrets are sealed with the portal's data-protection keys (persisted to PostgreSQL by the web host).
        services.AddDataProtection();
        services.AddSingleton<WebhookSecrets>();
        return services;
    }
}
