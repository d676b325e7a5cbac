using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>A change to an audited row and its audit entry commit together or not at all.</summary>
public sealed class AuditTransactionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly AuditActor Tester = new(null, "tester");

    private Organization NewOrganization(string? name = null) => new()
    {
        Name = name ?? $"Org {Guid.NewGuid():N}",
        Kind = OrganizationKind.Research,
        Country = "KR",
        CreatedAt = database.Time.GetUtcNow(),
        UpdatedAt = database.Time.GetUtcNow(),
    };

    private async Task<(bool Organization, int AuditEntries)> StoredAsync(Guid id)
    {
        await using var db = database.CreateContext();
        return (await db.Organizations.AnyAsync(o => o.Id == id),
                await db.AuditEntries.CountAsync(e => e.EntityId == id.ToString()));
    }

    [Fact]
    public async Task A_saved_change_is_stored_with_its_audit_entry()
    {
        await using var db = database.CreateContext();
        var organization = NewOrganization();
        db.Organizations.Add(organization);
        db.Actor = Tester;

        await db.SaveChangesAsync();

        Assert.Equal((true, 1), await StoredAsync(organization.Id));
    }

    [Fact]
    public async Task The_synchronous_save_records_the_audit_entry_too()
    {
        await using var db = database.CreateContext();
        var organization = NewOrganization();
        db.Organizations.Add(organization);
        db.Actor = Tester;

        // Data protection's key store saves synchronously.
        db.SaveChanges();

        Assert.Equal((true, 1), await StoredAsync(organization.Id));
    }

    [Fact]
    public async Task Rolling_back_the_outer_transaction_removes_both_the_change_and_its_audit_entry()
    {
        var organization = NewOrganization();
        await using (var db = database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Organizations.Add(organization);
            db.Actor = Tester;
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityId == organization.Id.ToString()));

            await transaction.RollbackAsync();
        }

        Assert.Equal((false, 0), await StoredAsync(organization.Id));
    }

    [Fact]
    public async Task When_the_audit_entry_cannot_be_written_the_change_is_not_stored_either()
    {
        await using var db = database.CreateContext();
        var organization = NewOrganization();
        db.Organizations.Add(organization);
        // actor_name is varchar(256): PostgreSQL refuses the audit row.
        db.Actor = new AuditActor(null, new string('x', 300));

        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Contains("too long", failure.InnerException?.Message);
        Assert.Equal((false, 0), await StoredAsync(organization.Id));
    }

    [Fact]
    public async Task When_the_change_is_refused_its_audit_entry_is_not_stored_either()
    {
        var name = $"Taken {Guid.NewGuid():N}";
        await using (var first = database.CreateContext())
        {
            first.Organizations.Add(NewOrganization(name));
            first.Actor = Tester;
            await first.SaveChangesAsync();
        }
        await using var db = database.CreateContext();
        var duplicate = NewOrganization(name.ToUpperInvariant());
        db.Organizations.Add(duplicate);
        db.Actor = Tester;

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.Equal((false, 0), await StoredAsync(duplicate.Id));
    }

    [Fact]
    public async Task A_change_without_an_actor_is_refused_before_anything_is_written()
    {
        await using var db = database.CreateContext();
        var organization = NewOrganization();
        db.Organizations.Add(organization);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.Contains("audit actor", failure.Message);
        Assert.Equal((false, 0), await StoredAsync(organization.Id));
    }
}
