using Portal.Data.Organizations;

namespace Portal.Api.Memberships;

/// <summary>A member of an organisation; <see cref="Email"/> is null for readers who are neither co-members nor consortium admins.</summary>
public sealed record MemberDto(Guid UserId, string DisplayName, string? Email, MemberRole Role, DateTimeOffset JoinedAt);

public sealed record MemberRoleInput(string? Role);

public sealed record JoinRequestInput(string? Message, string? Role);

public sealed record JoinRequestDto(
    Guid Id,
    Guid OrganizationId,
    string OrganizationName,
    Guid UserId,
    string UserName,
    string Email,
    MemberRole RequestedRole,
    string? Message,
    JoinRequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt);

public sealed record MembershipDto(Guid OrganizationId, string OrganizationName, MemberRole Role);

/// <summary>Who the caller is: what a script or the UI needs to know about its own account.</summary>
public sealed record MeDto(
    Guid Id,
    string DisplayName,
    string Email,
    bool IsConsortiumAdmin,
    IReadOnlyList<MembershipDto> Memberships,
    IReadOnlyList<JoinRequestDto> JoinRequests);
