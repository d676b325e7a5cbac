using System.Collections;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Portal.Data.Audit;

/// <summary>
/// Turns the change tracker's view of audited entities into audit entries, so that no code path
/// can change an audited row without its entry, and both commit or roll back together.
/// </summary>
internal static class AuditRecorder
{
    // Secrets, parts of secrets (an agent token's prefix, shown nowhere else), the personal token a token was made with
    // (its owner's alone) and bookkeeping columns never go into the log.
    private static readonly HashSet<string> Ignored = ["SecretHash", "Secret", "TokenHash", "TokenPrefix", "ParentTokenId", "Version", "UpdatedAt", "CreatedAt", "LastUsedAt", "LastHeartbeatAt", "LastSeenAt"];

    public static List<AuditEntry> Collect(DbContext context, AuditActor? actor, DateTimeOffset now)
    {
        var entries = new List<AuditEntry>();
        foreach (var entry in context.ChangeTracker.Entries<IAudited>().ToList())
        {
            var action = entry.State switch
            {
                EntityState.Added => "created",
                EntityState.Modified => "updated",
                EntityState.Deleted => "deleted",
                _ => null,
            };
            var part = entry.Entity as IAuditedPart;
            var changes = action is null ? [] : ScalarChanges(entry, part);
            changes.AddRange(CollectionChanges(entry));
            if (changes.Count == 0 && (part is not null || action is not ("created" or "deleted")))
                continue;

            if (actor is null)
                throw new InvalidOperationException(
                    $"A change to {entry.Metadata.ClrType.Name} was saved without an audit actor; set PortalDbContext.Actor first.");

            // A part's change is a change of its owner: it joins the owner's entry of this save.
            var entityType = part?.OwnerType ?? entry.Metadata.ClrType.Name;
            var existing = entries.FirstOrDefault(e => e.EntityType == entityType && e.EntityId == entry.Entity.AuditId);
            if (existing is not null)
            {
                existing.Changes.AddRange(changes);
                // The tracker may list an owner's parts before the owner: the owner's own action wins.
                if (part is null && action is not null)
                    existing.Action = action;
                continue;
            }
            entries.Add(new AuditEntry
            {
                At = now,
                ActorUserId = actor.UserId,
                ActorName = actor.Name,
                EntityType = entityType,
                EntityId = entry.Entity.AuditId,
                Action = part is null ? action ?? "updated" : "updated",
                Changes = changes,
            });
        }
        return entries;
    }

    private static List<AuditChange> ScalarChanges(EntityEntry<IAudited> entry, IAuditedPart? part)
    {
        var changes = new List<AuditChange>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            if (Ignored.Contains(name) || property.Metadata.IsShadowProperty())
                continue;
            // A part's own id and the key pointing at its owner say nothing the entry does not.
            if (part is not null && (name == "Id" || Format(property.CurrentValue) == part.AuditId))
                continue;
            if (part is not null)
                name = $"{part.PartLabel}: {name}";
            var before = entry.State == EntityState.Added ? null : Stored(property, property.OriginalValue);
            var after = entry.State == EntityState.Deleted ? null : Stored(property, property.CurrentValue);
            if (entry.State == EntityState.Modified && (!property.IsModified || before == after))
                continue;
            if (before is null && after is null)
                continue;
            changes.Add(new AuditChange(name, before, after));
        }
        return changes;
    }

    // Many-to-many navigations (an organisation's alliances) are changes of the owner too.
    private static IEnumerable<AuditChange> CollectionChanges(EntityEntry<IAudited> entry)
    {
        foreach (var collection in entry.Collections)
        {
            if (collection.Metadata is not Microsoft.EntityFrameworkCore.Metadata.ISkipNavigation skip || !collection.IsLoaded)
                continue;
            var current = Names(collection.CurrentValue);
            var original = OriginalNames(collection, skip);
            if (entry.State == EntityState.Added && current.Count == 0)
                continue;
            if (original.SetEquals(current) && entry.State != EntityState.Added)
                continue;
            yield return new AuditChange(
                collection.Metadata.Name,
                entry.State == EntityState.Added ? null : string.Join(", ", original.Order()),
                entry.State == EntityState.Deleted ? null : string.Join(", ", current.Order()));
        }
    }

    private static HashSet<string> OriginalNames(CollectionEntry collection, Microsoft.EntityFrameworkCore.Metadata.ISkipNavigation skip)
    {
        // Join rows of this owner: unchanged and deleted ones were there before; added ones were not.
        var context = collection.EntityEntry.Context;
        var ownerKey = collection.EntityEntry.Metadata.FindPrimaryKey()!.Properties[0];
        var ownerId = collection.EntityEntry.Property(ownerKey.Name).CurrentValue;
        var fk = skip.ForeignKey.Properties[0].Name;
        var inverseFk = skip.Inverse.ForeignKey.Properties[0].Name;
        var targetType = skip.TargetEntityType;
        var names = new HashSet<string>();
        foreach (var join in context.ChangeTracker.Entries().Where(e => e.Metadata == skip.JoinEntityType))
        {
            if (join.State == EntityState.Added || !Equals(join.Property(fk).CurrentValue, ownerId))
                continue;
            var targetId = join.Property(inverseFk).CurrentValue;
            var target = context.ChangeTracker.Entries()
                .FirstOrDefault(e => e.Metadata == targetType && Equals(e.Property("Id").CurrentValue, targetId));
            names.Add(target is null ? targetId?.ToString() ?? "" : DisplayName(target.Entity));
        }
        return names;
    }

    private static HashSet<string> Names(object? items) =>
        items is IEnumerable enumerable ? enumerable.Cast<object>().Select(DisplayName).ToHashSet() : [];

    private static string DisplayName(object entity) =>
        entity.GetType().GetProperty("Name")?.GetValue(entity) as string ?? entity.ToString() ?? "";

    /// <summary>A value as its column holds it: a typed jsonb document (a spec, a result) as its JSON, not the record's ToString.</summary>
    private static string? Stored(PropertyEntry property, object? value) =>
        value is not null && property.Metadata.GetValueConverter() is { } converter ? Format(converter.ConvertToProvider(value)) : Format(value);

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Enum e => Naming.ToSnakeCase(e.ToString()),
        IEnumerable<string> list => string.Join(", ", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
