using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portal.Data;

/// <summary>
/// Portal contexts from the pool, each set to the application's clock. Both the scoped context of a request and the
/// factory's (Blazor circuits, background work) come from here; disposing one gives it back.
/// </summary>
public sealed class PortalContexts(PooledDbContextFactory<PortalDbContext> pool, TimeProvider? time = null) : IDbContextFactory<PortalDbContext>
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public PortalDbContext CreateDbContext()
    {
        var db = pool.CreateDbContext();
        db.Clock = _time;
        return db;
    }
}
