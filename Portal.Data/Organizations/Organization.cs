using Portal.Data.Audit;

namespace Portal.Data.Organizations;

public sealed class Organization : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public OrganizationKind Kind { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }
    public string? Website { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin, used as an optimistic concurrency token.</summary>
    public uint Version { get; set; }

    public List<Alliance> Alliances { get; set; } = [];
    public List<Membership> Memberships { get; set; } = [];

    string IAudited.AuditId => Id.ToString();
}
