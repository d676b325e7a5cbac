using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Portal.Data.Database;

/// <summary>
/// The database the portal runs on: the server named by ConnectionStrings:Portal, or else the
/// embedded private cluster under Portal:DataDirectory (default .data/pg), started here and stopped on dispose.
/// </summary>
public sealed class PortalDatabase : IAsyncDisposable
{
    public const string ConnectionStringName = "Portal";
    public const string DefaultDataDirectory = ".data/pg";

    private readonly EmbeddedPostgres? _embedded;

    private PortalDatabase(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
    }

    public string ConnectionString { get; }
    public bool IsEmbedded => _embedded is not null;

    public static async Task<PortalDatabase> OpenAsync(IConfiguration configuration, string contentRoot, ILogger logger, CancellationToken cancellationToken = default)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
            return new PortalDatabase(configured, null);

        var directory = ResolveDataDirectory(configuration["Portal:DataDirectory"] ?? DefaultDataDirectory, contentRoot);
        var embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = directory }, logger, cancellationToken);
        return new PortalDatabase(embedded.ConnectionString, embedded);
    }

    /// <summary>
    /// A relative data directory is taken from the source checkout's root (the folder holding
    /// Portal.slnx), so ./run.sh and `dotnet run --project Portal` share one cluster; elsewhere
    /// (a published build, a container) from the content root.
    /// </summary>
    public static string ResolveDataDirectory(string directory, string contentRoot)
    {
        if (Path.IsPathRooted(directory))
            return directory;
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, directory));
        }
        return Path.GetFullPath(Path.Combine(contentRoot, directory));
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
            await _embedded.DisposeAsync();
    }
}

public static class PortalMigrations
{
    /// <summary>
    /// How long one migration statement may run. A migration that rewrites or backfills a table reads every row of it
    /// (RegistryFiguresAndSearch fills hardware_skus.search_text and deployment_figures), so on a large registry it runs
    /// past Npgsql's 30-s command default, and a portal that stopped there would not start. Ordinary queries keep the
    /// default: this applies only while migrating.
    /// </summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Applies pending migrations; EF takes a database lock so replicas starting together are safe.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataExtensions.Configure(options, connectionString);
        await using var db = new PortalDbContext(options.Options);
        await MigrateAsync(db, cancellationToken);
    }

    /// <summary>Applies pending migrations through <paramref name="db"/>, whose statements may run for <see cref="StatementTimeout"/> meanwhile.</summary>
    public static async Task MigrateAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var before = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(StatementTimeout);
        try
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        finally
        {
            db.Database.SetCommandTimeout(before);
        }
    }
}
