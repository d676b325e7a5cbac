using Portal.Data.Accounts;
using Portal.Data.Audit;

namespace Portal.Data.Organizations;

/// <summary>A role a user holds inside one organisation.</summary>
public enum MemberRole
{
    Member,
    Developer,
    Admin,
}

public sealed class Membership : IAudited
{
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public Guid UserId { get; set; }
    public PortalUser? User { get; set; }
    public MemberRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; }

    string IAudited.AuditId => $"{OrganizationId}/{UserId}";
}
