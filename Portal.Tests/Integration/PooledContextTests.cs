using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// The portal's contexts are pooled: an instance serves one request, goes back, and serves another. Nothing one request
/// set on it may reach the next: a change saved as the previous request's person would be a false audit record.
/// </summary>
public sealed class PooledContextTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_context_given_back_comes_out_again_without_the_last_actor_and_on_the_portals_clock()
    {
        var contexts = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var used = contexts.CreateDbContext();
        used.Actor = new AuditActor(Guid.NewGuid(), "The previous request's person");
        await used.DisposeAsync();

        // The pool hands instances out in turn; lease until the one given back comes out again.
        var leased = new List<PortalDbContext>();
        try
        {
            PortalDbContext again;
            do
            {
                again = contexts.CreateDbContext();
                leased.Add(again);
            }
            while (!ReferenceEquals(again, used) && leased.Count < 5_000);

            Assert.Same(used, again);
            Assert.Null(again.Actor);
            Assert.Equal(portal.Time.GetUtcNow(), again.Now);
            // Unattributed, an audited change is refused rather than saved as someone.
            again.Organizations.Add(new Organization
            {
                Name = $"Pooled {Guid.NewGuid():N}", Kind = OrganizationKind.Research, Country = "KR",
                CreatedAt = again.Now, UpdatedAt = again.Now,
            });
            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => again.SaveChangesAsync());
        }
        finally
        {
            foreach (var context in leased)
                await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_request_scope_gets_a_pooled_context_too()
    {
        PortalDbContext first;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            first.Actor = AuditActor.System;
            Assert.Equal(portal.Time.GetUtcNow(), first.Now);
        }
        // Disposed with its scope, so given back: its actor is gone.
        Assert.Null(first.Actor);
    }
}
