using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>Every portal context, a request's or the factory's, reads the portal's clock: what it stamps is on the same time as the rest.</summary>
public sealed class ContextClockTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_factorys_contexts_and_a_requests_context_are_on_the_portals_clock()
    {
        portal.Time.Advance(TimeSpan.FromDays(3));
        await using var made = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        await using var scope = portal.Services.CreateAsyncScope();
        var scoped = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        Assert.Equal(portal.Time.GetUtcNow(), made.Now);
        Assert.Equal(portal.Time.GetUtcNow(), scoped.Now);
        Assert.NotSame(made, scoped);
    }
}
