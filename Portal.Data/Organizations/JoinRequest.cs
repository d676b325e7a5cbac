using Portal.Data.Accounts;
using Portal.Data.Audit;

namespace Portal.Data.Organizations;

public enum JoinRequestStatus
{
    Pending,
    Approved,
    Declined,
}

/// <summary>A user's request to join an organisation, decided by that organisation's admin.</summary>
public sealed class JoinRequest : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public Guid UserId { get; set; }
    public PortalUser? User { get; set; }
    public MemberRole RequestedRole { get; set; }
    public string? Message { get; set; }
    public JoinRequestStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public Guid? DecidedByUserId { get; set; }

    string IAudited.AuditId => Id.ToString();
}
