using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// A number per database that moves whenever this process saves a change to it through <see cref="PortalDbContext"/>,
/// so that what is derived from the data (list totals) can tell it is out of date without asking the database. One per
/// database, not one per process: a process holding several portals (the tests) must not see one's saves as another's.
/// </summary>
public static class DataChanges
{
    private static readonly ConcurrentDictionary<string, StrongBox<long>> Generations = new(StringComparer.Ordinal);

    public static long GenerationOf(DbContext db) => Interlocked.Read(ref Counter(db).Value);

    internal static void Saved(DbContext db) => Interlocked.Increment(ref Counter(db).Value);

    private static StrongBox<long> Counter(DbContext db)
    {
        var connection = db.Database.GetDbConnection();
        return Generations.GetOrAdd($"{connection.DataSource}/{connection.Database}", _ => new StrongBox<long>());
    }
}
