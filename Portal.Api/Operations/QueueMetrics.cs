using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;

namespace Portal.Api.Operations;

/// <summary>
/// The queue's instruments, all in meter <see cref="MeterName"/> (exported on /metrics, README "Metrics"). Their labels
/// are fixed vocabularies only (kernel language, verdict, lease outcome): never a test's, SKU's or organisation's name,
/// since /metrics is open to whoever can reach it.
/// </summary>
public sealed class QueueMetrics
{
    public const string MeterName = "Portal.Queue";

    // The counter and the histogram are recorded by the agent protocol's handlers, which are static: a static meter lets
    // each call site be one line, with no service to pass down.
    private static readonly Meter Recorded = new(MeterName);

    private static readonly Histogram<double> LeaseDuration = Recorded.CreateHistogram(
        "portal.queue.lease.duration", unit: "s",
        description: "Time of one lease look (the SQL that picks a job), whether it found a job (outcome=leased) or not (outcome=empty).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Counter<long> CompletedJobs = Recorded.CreateCounter<long>(
        "portal.queue.jobs.completed", unit: "{job}", description: "Jobs completed by an agent, by verdict (status=passed, failed, compile_error, ...).");

    /// <summary>Records one lease look that started at <paramref name="startedAt"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void LeaseLooked(long startedAt, bool leased) =>
        LeaseDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("outcome", leased ? "leased" : "empty"));

    /// <summary>Counts a completion recorded for the first time (a repeated completion is not counted again).</summary>
    public static void Completed(string verdict) => CompletedJobs.Add(1, new KeyValuePair<string, object?>("status", verdict));

    private readonly IServiceScopeFactory _scopes;

    /// <summary>The depth gauge reads the database when it is collected (on a scrape), so each replica reports the same figure.</summary>
    public QueueMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        meters.Create(MeterName).CreateObservableGauge("portal.queue.depth", QueuedByLanguage, unit: "{job}",
            description: "Jobs waiting in the queue (status queued), per kernel language; the same on every replica.");
    }

    private IEnumerable<Measurement<int>> QueuedByLanguage()
    {
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        // Synchronous: an observable instrument's callback cannot await.
        var counts = OperationsService.QueuedByLanguage(db).ToList().Where(c => c.Status == JobStatus.Queued).ToDictionary(c => c.Language, c => c.Count);
        return KernelLanguages.Names.Union(counts.Keys)
            .Select(language => new Measurement<int>(counts.GetValueOrDefault(language), new KeyValuePair<string, object?>("language", language)))
            .ToList();
    }
}
