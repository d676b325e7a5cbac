using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>A fresh migrated database on the run's cluster, for tests that talk to PortalDbContext without the web host.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public TestDatabaseName Name { get; private set; } = null!;

    public FakeTimeProvider Time { get; } = ClockStartingNow();

    /// <summary>A test clock at the current time in whole seconds, so that times read back from PostgreSQL (microseconds) compare equal.</summary>
    public static FakeTimeProvider ClockStartingNow() =>
        new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public async Task InitializeAsync() => Name = await TestPostgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Name.ConnectionString));
        await TestPostgres.DropDatabaseAsync(Name.Name);
    }

    public PortalDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataExtensions.Configure(options, Name.ConnectionString);
        return new PortalDbContext(options.Options, Time);
    }
}
