namespace Portal.Data;

/// <summary>
/// A number that moves whenever this process saves a change through <see cref="PortalDbContext"/>,
/// so that what is derived from the data (list totals) can tell it is out of date without asking
/// the database.
/// </summary>
public static class DataChanges
{
    private static long _generation;

    public static long Generation => Interlocked.Read(ref _generation);

    internal static void Saved() => Interlocked.Increment(ref _generation);
}
