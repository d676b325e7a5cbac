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
        // No Npgsql auto-prepare (Max Auto Prepare), though it saved PostgreSQL some parsing: a statement is auto-prepared in
        // the round trip of one of its executions (Parse, Bind, Describe, Execute), and when PostgreSQL refuses that Bind
        // (a NUL in a text parameter: 22021) it skips the Describe. Npgsql 10.0.3 still records the statement as prepared, without
        // its row description, so the next execution of that SQL on that pooled connection — anyone's request — fails with
        // "Received unexpected backend message DataRow" and breaks the connection (PooledConnectionTests; cf. npgsql#6391).
        // Options are built once (singleton): built per scope, EF would redo its configuration on every request.
        services.AddDbContextFactory<PortalDbContext>(options => Configure(options, connectionString), ServiceLifetime.Singleton);
        services.AddDbContext<PortalDbContext>(options => Configure(options, connectionString),
            contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        // The job queue's hot path runs its own SQL on a pooled data source (JobQueue). Its statements leave no session
        // state behind, so a connection going back to the pool needs no reset: that saves a round trip per statement.
        services.AddSingleton(_ => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString));
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();
}
