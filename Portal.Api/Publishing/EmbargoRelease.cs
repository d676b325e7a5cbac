using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Publishing;

namespace Portal.Api.Publishing;

public sealed class EmbargoOptions
{
    public const string Section = "Portal:Embargo";

    /// <summary>How often due embargoes are looked for; a record turns public at most this long after its date.</summary>
    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 60;
}

/// <summary>
/// Ends embargoes by itself: an embargoed SKU or deployment whose date has come turns public, and a private test with a due
/// <see cref="CompatibilityTest.EmbargoUntil"/> turns consortium-visible (its source and results public). The change is saved
/// as the system, so that the audit log records it like any other. Every replica may run it: a row another replica released
/// first fails the concurrency check and is simply left to it.
/// </summary>
public sealed class EmbargoRelease(IServiceScopeFactory scopes, TimeProvider time, IOptions<EmbargoOptions> options, ILogger<EmbargoRelease> logger)
    : BackgroundService
{
    /// <summary>Releases what is due at the portal's clock; answers how many records turned public.</summary>
    public async Task<int> ReleaseDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = time.GetUtcNow();
        var skus = await db.HardwareSkus.Where(s => s.Publication == Publication.Embargoed && s.EmbargoUntil <= now).ToListAsync(cancellationToken);
        var deployments = await db.Deployments.Where(d => d.Publication == Publication.Embargoed && d.EmbargoUntil <= now).ToListAsync(cancellationToken);
        var tests = await db.CompatibilityTests.Where(t => t.EmbargoUntil != null && t.EmbargoUntil <= now).ToListAsync(cancellationToken);
        foreach (var record in skus.Cast<IPublishable>().Concat(deployments))
        {
            record.Publication = Publication.Public;
            record.EmbargoUntil = null;
        }
        foreach (var sku in skus)
            sku.UpdatedAt = now;
        foreach (var deployment in deployments)
            deployment.UpdatedAt = now;
        foreach (var test in tests)
        {
            test.Visibility = TestVisibility.Consortium;
            test.EmbargoUntil = null;
            test.UpdatedAt = now;
        }
        var released = skus.Count + deployments.Count + tests.Count;
        if (released == 0)
            return 0;
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync(cancellationToken);
        return released;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The real clock paces the passes; each pass reads the portal's TimeProvider, which tests move.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        try
        {
            do
            {
                try
                {
                    var released = await ReleaseDueAsync(stoppingToken);
                    if (released > 0)
                        logger.LogInformation("Embargo release: {Released} record(s) turned public", released);
                }
                catch (Exception e) when (e is DbUpdateConcurrencyException or NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Embargo release pass failed ({Message}); trying again at the next tick", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
