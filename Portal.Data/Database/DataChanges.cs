using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// A number per database that moves whenever a change to it is saved through <see cref="PortalDbContext"/>, by this
/// process or (through <see cref="Channel"/>, PostgreSQL NOTIFY) by any other replica, so that what is derived from the
/// data (list totals) can tell it is out of date without asking the database. One per database, not one per process: a
/// process holding several portals (the tests) must not see one's saves as another's.
/// </summary>
public static class DataChanges
{
    /// <summary>The NOTIFY channel a save announces itself on; every replica listens (Portal.Api's DataChangeListener).</summary>
    public const string Channel = "portal_data_changed";

    private static readonly ConcurrentDictionary<string, StrongBox<long>> Generations = new(StringComparer.Ordinal);

    public static long GenerationOf(DbContext db) => Interlocked.Read(ref Counter(db.Database.GetDbConnection()).Value);

    internal static void Saved(DbContext db) => Saved(db.Database.GetDbConnection());

    /// <summary>A change to the database of <paramref name="connection"/> was saved (here or on another replica).</summary>
    public static void Saved(DbConnection connection) => Interlocked.Increment(ref Counter(connection).Value);

    private static StrongBox<long> Counter(DbConnection connection) =>
        Generations.GetOrAdd($"{connection.DataSource}/{connection.Database}", _ => new StrongBox<long>());
}
