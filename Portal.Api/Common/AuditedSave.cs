using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Api.Common;

public enum SaveResult
{
    Saved,

    /// <summary>The row changed since the caller read it (xmin moved on).</summary>
    Conflict,

    /// <summary>A unique index refused the change, after validation raced with another writer.</summary>
    Duplicate,
}

public static class AuditedSave
{
    /// <summary>Saves the tracked changes as done by <paramref name="caller"/>, with their audit entries.</summary>
    public static async Task<SaveResult> SaveAsAsync(this PortalDbContext db, Caller caller, CancellationToken cancellationToken)
    {
        db.Actor = caller.Actor;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return SaveResult.Saved;
        }
        catch (DbUpdateConcurrencyException)
        {
            return SaveResult.Conflict;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return SaveResult.Duplicate;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
