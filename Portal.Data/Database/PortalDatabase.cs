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
    /// <summary>Applies pending migrations; EF takes a database lock so replicas starting together are safe.</summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataExtensions.Configure(options, connectionString);
        await using var db = new PortalDbContext(options.Options);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
