using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Portal.Data;

public static class PortalDataExtensions
{
    public const string MigrationsAssembly = "Portal.Migrations";

    /// <summary>Registers the portal's DbContext (and a factory for Blazor circuits) on PostgreSQL.</summary>
    public static IServiceCollection AddPortalData(this IServiceCollection services, string connectionString)
    {
        // Options are built once (singleton): built per scope, EF would redo its configuration on every request.
        services.AddDbContextFactory<PortalDbContext>(options => Configure(options, connectionString), ServiceLifetime.Singleton);
        services.AddDbContext<PortalDbContext>(options => Configure(options, connectionString),
            contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        // The job queue's hot path runs its own SQL on a pooled data source (JobQueue). Its statements leave no session
        // state behind, so a connection going back to the pool needs no reset: that saves a round trip per statement.
        services.AddSingleton(_ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(WithAutoPrepare(connectionString)) { NoResetOnClose = true }.ConnectionString));
        services.AddSingleton<Jobs.RunEventBatch>();
        services.AddSingleton<Jobs.JobQueue>();
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(WithAutoPrepare(connectionString), npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Every API request runs the same few statements (token, caller, page, count): letting Npgsql
    /// prepare the frequent ones saves PostgreSQL parsing and planning them on each request.
    /// A connection string that sets its own Max Auto Prepare keeps it.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
            builder.MaxAutoPrepare = 100;
        return builder.ConnectionString;
    }
}
