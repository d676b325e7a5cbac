using Portal.Data.Audit;

namespace Portal.Data.Organizations;

public sealed class Alliance : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public uint Version { get; set; }

    public List<Organization> Organizations { get; set; } = [];

    string IAudited.AuditId => Id.ToString();
}
