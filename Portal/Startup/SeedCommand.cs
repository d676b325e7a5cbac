using System.Diagnostics;
using System.Globalization;
using Portal.Data.Database;
using Portal.Data.Seed;

namespace Portal.Startup;

/// <summary>
/// `Portal seed --synthetic N [--seed S]`: migrates the database and loads the synthetic registry
/// (N organisations, 10·N SKUs, N deployments) for load tests.
/// </summary>
public static class SeedCommand
{
    public const string Usage = "usage: Portal seed --synthetic N [--seed S]   (N ≥ 10 organisations; S an integer, default 1)";

    public static async Task<int> RunAsync(string[] args, string connectionString, ILogger logger, CancellationToken cancellationToken = default)
    {
        if (!TryReadInt(args, "--synthetic", out var organizations) || organizations < 10
            || (args.Contains("--seed") && !TryReadInt(args, "--seed", out _)))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        var seed = TryReadInt(args, "--seed", out var s) ? s : 1;

        await PortalMigrations.MigrateAsync(connectionString);
        var clock = Stopwatch.StartNew();
        try
        {
            var counts = await SyntheticRegistry.LoadAsync(connectionString, organizations, seed, TimeProvider.System.GetUtcNow(), cancellationToken);
            logger.LogInformation(
                "Synthetic registry loaded in {Seconds:F1} s: {Organizations} organisations, {Skus} SKUs, {Deployments} deployments, {Lines} hardware lines, {Milestones} milestones, {Participants} participants",
                clock.Elapsed.TotalSeconds, counts.Organizations, counts.Skus, counts.Deployments, counts.HardwareLines, counts.Milestones, counts.Participants);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static bool TryReadInt(string[] args, string name, out int value)
    {
        value = 0;
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length
            && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
