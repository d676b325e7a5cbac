using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>List totals are remembered per filter, recounted after a save and at the latest after their maximum age.</summary>
public sealed class ListTotalsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private async Task AddThroughContextAsync(string country)
    {
        await using var db = database.CreateContext();
        db.Organizations.Add(new Organization
        {
            Name = $"Org {Guid.NewGuid():N}", Kind = OrganizationKind.Research, Country = country,
            CreatedAt = database.Time.GetUtcNow(), UpdatedAt = database.Time.GetUtcNow(),
        });
        db.Actor = new AuditActor(null, "tester");
        await db.SaveChangesAsync();
    }

    private async Task AddBehindTheContextsBackAsync(string country)
    {
        await using var db = database.CreateContext();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO organizations (id, name, kind, country, created_at, updated_at) VALUES ({Guid.NewGuid()}, {"Raw " + Guid.NewGuid().ToString("N")}, 'research', {country}, now(), now())");
    }

    private async Task<int> TotalAsync(ListTotals totals, string country)
    {
        await using var db = database.CreateContext();
        return await totals.CountAsync(db, db.Organizations.Where(o => o.Country == country), new OrganizationQueryKey(country), null, CancellationToken.None);
    }

    private sealed record OrganizationQueryKey(string Country);

    [Fact]
    public async Task A_save_through_the_portal_is_counted_at_once()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("FI");
        Assert.Equal(1, await TotalAsync(totals, "FI"));
        await AddThroughContextAsync("FI");
        Assert.Equal(2, await TotalAsync(totals, "FI"));
    }

    [Fact]
    public async Task A_change_made_elsewhere_shows_once_the_total_is_older_than_its_maximum_age()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("EE");
        Assert.Equal(1, await TotalAsync(totals, "EE"));

        await AddBehindTheContextsBackAsync("EE");
        Assert.Equal(1, await TotalAsync(totals, "EE"));
        database.Time.Advance(ListTotals.MaxAge);
        Assert.Equal(2, await TotalAsync(totals, "EE"));
    }

    [Fact]
    public async Task A_save_to_another_database_of_the_same_process_does_not_count_as_a_change_here()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("IS");
        Assert.Equal(1, await TotalAsync(totals, "IS"));
        await AddBehindTheContextsBackAsync("IS");

        // Another portal in this process (the tests hold many) saves to its own database.
        var other = new TestDatabase();
        await other.InitializeAsync();
        try
        {
            await using var elsewhere = other.CreateContext();
            elsewhere.Organizations.Add(new Organization
            {
                Name = "Elsewhere", Kind = OrganizationKind.Research, Country = "IS", CreatedAt = other.Time.GetUtcNow(), UpdatedAt = other.Time.GetUtcNow(),
            });
            elsewhere.Actor = new AuditActor(null, "tester");
            await elsewhere.SaveChangesAsync();
        }
        finally
        {
            await other.DisposeAsync();
        }

        Assert.Equal(1, await TotalAsync(totals, "IS"));
    }

    [Fact]
    public async Task Each_filter_has_its_own_total()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("LV");
        await AddThroughContextAsync("LT");
        await AddThroughContextAsync("LT");
        Assert.Equal(1, await TotalAsync(totals, "LV"));
        Assert.Equal(2, await TotalAsync(totals, "LT"));
    }

    [Fact]
    public async Task Requests_that_want_the_same_total_at_once_share_one_count()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("LU");
        var counts = new CountingCommands();
        var contexts = Enumerable.Range(0, 20).Select(_ =>
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            PortalDataExtensions.Configure(options, database.Name.ConnectionString);
            return new PortalDbContext(options.AddInterceptors(counts).Options, database.Time);
        }).ToList();
        try
        {
            var all = await Task.WhenAll(contexts.Select(db =>
                totals.CountAsync(db, db.Organizations.Where(o => o.Country == "LU"), new OrganizationQueryKey("LU"), null, CancellationToken.None)));

            Assert.All(all, total => Assert.Equal(1, total));
            Assert.Equal(1, counts.Counted);
        }
        finally
        {
            foreach (var db in contexts)
                await db.DisposeAsync();
        }
    }

    private sealed class CountingCommands : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private int _counted;

        public int Counted => _counted;

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("count(", StringComparison.OrdinalIgnoreCase))
                Interlocked.Increment(ref _counted);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
