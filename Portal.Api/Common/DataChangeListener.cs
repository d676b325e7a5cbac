using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Portal.Data;

namespace Portal.Api.Common;

/// <summary>
/// Hears the saves of every replica (<see cref="DataChanges.Channel"/>) on one dedicated connection and moves this
/// process's <see cref="DataChanges"/> generation, so a list total counted here is recounted after a change saved
/// through another replica, not served for up to <see cref="ListTotals.MaxAge"/>. While the connection is down, that
/// maximum age is the bound; on (re)connecting every total is recounted, in case a change was missed.
/// </summary>
public sealed class DataChangeListener(NpgsqlDataSource dataSource, ILogger<DataChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => DataChanges.Saved(connection);
                await using (var listen = new NpgsqlCommand($"LISTEN {DataChanges.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                DataChanges.Saved(connection);
                retry = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning("Data change notifications lost ({Message}); reconnecting in {Delay} ms", e.Message, retry.TotalMilliseconds);
                await Task.Delay(retry, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
