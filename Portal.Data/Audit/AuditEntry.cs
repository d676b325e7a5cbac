namespace Portal.Data.Audit;

public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public Guid? ActorUserId { get; set; }
    public required string ActorName { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }

    /// <summary>created, updated or deleted.</summary>
    public required string Action { get; set; }
    public List<AuditChange> Changes { get; set; } = [];
}

/// <summary>One field's value before and after a change, as text (null when absent).</summary>
public sealed record AuditChange(string Field, string? Before, string? After);

/// <summary>Who a change is attributed to.</summary>
public sealed record AuditActor(Guid? UserId, string Name)
{
    /// <summary>Start-up work of the portal itself: migrations, seeding, the bootstrap token.</summary>
    public static readonly AuditActor System = new(null, "system");
}
