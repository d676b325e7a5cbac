using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>List totals are remembered per filter, recounted after a save and at the latest after their maximum age.</summary>
// DataChanges.Generation is process-wide: a save by any other test class running at the same time counts as "a change
// through the portal" and makes the tests of changes made elsewhere recount early. These run alone, after the others.
[Collection(ListTotalsTests.Alone)]
public sealed class ListTotalsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    public const string Alone = "list totals, alone";

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
        return await totals.CountAsync(db.Organizations.Where(o => o.Country == country), new OrganizationQueryKey(country), CancellationToken.None);
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
    public async Task Each_filter_has_its_own_total()
    {
        var totals = new ListTotals(database.Time);
        await AddThroughContextAsync("LV");
        await AddThroughContextAsync("LT");
        await AddThroughContextAsync("LT");
        Assert.Equal(1, await TotalAsync(totals, "LV"));
        Assert.Equal(2, await TotalAsync(totals, "LT"));
    }
}

[CollectionDefinition(ListTotalsTests.Alone, DisableParallelization = true)]
public sealed class ListTotalsAlone
{
}
