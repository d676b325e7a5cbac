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
        services.AddDbContextFactory<PortalDbContext>(options => Configure(options, connectionString), ServiceLifetime.Scoped);
        services.AddDbContext<PortalDbContext>(options => Configure(options, connectionString),
            contextLifetime: ServiceLifetime.Scoped, optionsLifetime: ServiceLifetime.Singleton);
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();
}
