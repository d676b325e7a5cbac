using OpenTelemetry.Metrics;
using Portal.Api.Operations;

namespace Portal.Startup;

/// <summary>
/// /metrics in Prometheus text format through OpenTelemetry (README "Metrics"): the queue's instruments
/// (<see cref="QueueMetrics"/>), ASP.NET Core's HTTP server timings and Npgsql's database timings.
/// </summary>
public static class PortalMetrics
{
    public const string Path = "/metrics";

    // Npgsql labels its instruments with the pool's name, which is the connection string less its password (host, database,
    // user), and with the server's address: /metrics is open, so only these labels are kept.
    private static readonly string[] DatabaseLabels = ["db.system.name", "db.operation.name", "db.client.connection.state", "error.type"];

    public static IServiceCollection AddPortalMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(QueueMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Npgsql")
            .AddView(instrument => instrument.Meter.Name == "Npgsql" ? new MetricStreamConfiguration { TagKeys = DatabaseLabels } : null)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// Open, like /health: the labels are fixed vocabularies (language, verdict, HTTP route template and status) and hold no
    /// private name; restrict it at the reverse proxy where the figures themselves should not be public.
    /// </summary>
    public static WebApplication MapPortalMetrics(this WebApplication app)
    {
        // The queue-depth gauge exists once its owner is built.
        app.Services.GetRequiredService<QueueMetrics>();
        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous();
        return app;
    }
}
