using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// Portal contexts, each on the application's clock (a fake one in tests). Both the scoped context of a request and the
/// factory's (Blazor circuits, background work) come from here.
/// </summary>
public sealed class PortalContexts(DbContextOptions<PortalDbContext> options, TimeProvider? time = null) : IDbContextFactory<PortalDbContext>
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public PortalDbContext CreateDbContext() => new(options) { Clock = _time };
}
