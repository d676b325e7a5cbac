using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Api.Memberships;

/// <summary>
/// Members and join requests. A user asks to join; the organisation's admins (or a consortium
/// admin) approve or decline, change roles and remove members. An organisation keeps at least one admin.
/// </summary>
public sealed class MembershipService(PortalDbContext db)
{
    /// <summary>An organisation's members; their e-mail addresses only for co-members and consortium admins.</summary>
    public async Task<Outcome<IReadOnlyList<MemberDto>>> MembersAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
            return new Outcome<IReadOnlyList<MemberDto>>.NotFound(Localized<OrganizationText>.Format("NotFound", organizationId));
        var members = await ProjectMembers(
                db.Memberships.Where(m => m.OrganizationId == organizationId).OrderByDescending(m => m.Role).ThenBy(m => m.User!.DisplayName),
                MaySeeEmails(caller, organizationId))
            .ToListAsync(cancellationToken);
        return members;
    }

    /// <summary>Who reads the e-mail addresses of an organisation's members: its own members and consortium admins; others see names.</summary>
    public static bool MaySeeEmails(Caller? caller, Guid organizationId) =>
        caller is not null && (caller.IsConsortiumAdmin || caller.IsMemberOf(organizationId));

    public async Task<Outcome<MemberDto>> SetRoleAsync(Caller caller, Guid organizationId, Guid userId, MemberRoleInput input, CancellationToken cancellationToken)
    {
        if (!caller.IsAdminOf(organizationId))
            return new Outcome<MemberDto>.Forbidden(Localized<MembershipText>.Get("AdminsOnly"));
        if (!TryParseRole(input.Role, required: true, out var role, out var errors))
            return errors.ToOutcome<MemberDto>();
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, cancellationToken);
        if (membership is null)
            return new Outcome<MemberDto>.NotFound(Localized<MembershipText>.Get("NotAMember"));
        if (membership.Role == MemberRole.Admin && role != MemberRole.Admin && await IsLastAdminAsync(organizationId, cancellationToken))
            return new Outcome<MemberDto>.Conflict(Localized<MembershipText>.Get("LastAdmin"));
        membership.Role = role;
        await db.SaveAsAsync(caller, cancellationToken);
        return await MemberAsync(caller, organizationId, userId, cancellationToken);
    }

    public async Task<Outcome<bool>> RemoveAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken cancellationToken)
    {
        // Members may leave on their own; removing someone else takes an admin.
        if (caller.UserId != userId && !caller.IsAdminOf(organizationId))
            return new Outcome<bool>.Forbidden(Localized<MembershipText>.Get("AdminsOnly"));
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId, cancellationToken);
        if (membership is null)
            return new Outcome<bool>.NotFound(Localized<MembershipText>.Get("NotAMember"));
        if (membership.Role == MemberRole.Admin && await IsLastAdminAsync(organizationId, cancellationToken))
            return new Outcome<bool>.Conflict(Localized<MembershipText>.Get("LastAdmin"));
        db.Memberships.Remove(membership);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    public async Task<Outcome<JoinRequestDto>> RequestToJoinAsync(Caller caller, Guid organizationId, JoinRequestInput input, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
            return new Outcome<JoinRequestDto>.NotFound(Localized<OrganizationText>.Format("NotFound", organizationId));
        if (caller.IsMemberOf(organizationId))
            return new Outcome<JoinRequestDto>.Conflict(Localized<MembershipText>.Get("AlreadyMember"));
        var errors = new ValidationErrors();
        var message = errors.Text("message", input.Message, 1000, required: false, Localized<MembershipText>.Get("Field.Message"));
        TryParseRole(input.Role, required: false, out var role, out var roleErrors);
        if (errors.Any || roleErrors.Any)
            return (errors.Any ? errors : roleErrors).ToOutcome<JoinRequestDto>();
        if (await db.JoinRequests.AnyAsync(r => r.OrganizationId == organizationId && r.UserId == caller.UserId && r.Status == JoinRequestStatus.Pending, cancellationToken))
            return new Outcome<JoinRequestDto>.Conflict(Localized<MembershipText>.Get("AlreadyAsked"));

        var request = new JoinRequest
        {
            OrganizationId = organizationId,
            UserId = caller.UserId,
            RequestedRole = role,
            Message = message,
            Status = JoinRequestStatus.Pending,
            CreatedAt = db.Now,
        };
        db.JoinRequests.Add(request);
        if (await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Duplicate)
            return new Outcome<JoinRequestDto>.Conflict(Localized<MembershipText>.Get("AlreadyAsked"));
        return (await JoinRequestAsync(request.Id, cancellationToken))!;
    }

    public async Task<Outcome<IReadOnlyList<JoinRequestDto>>> PendingRequestsAsync(Caller caller, Guid organizationId, CancellationToken cancellationToken)
    {
        if (!caller.IsAdminOf(organizationId))
            return new Outcome<IReadOnlyList<JoinRequestDto>>.Forbidden(Localized<MembershipText>.Get("RequestsAdminsOnly"));
        var requests = await ProjectRequests(db.JoinRequests.Where(r => r.OrganizationId == organizationId && r.Status == JoinRequestStatus.Pending))
            .ToListAsync(cancellationToken);
        return requests;
    }

    /// <summary>Pending requests of every organisation the caller administers: what waits for their decision.</summary>
    public async Task<IReadOnlyList<JoinRequestDto>> AwaitingDecisionAsync(Caller caller, CancellationToken cancellationToken)
    {
        var administered = caller.Roles.Where(r => r.Value == MemberRole.Admin).Select(r => r.Key).ToList();
        var pending = db.JoinRequests.Where(r => r.Status == JoinRequestStatus.Pending);
        if (!caller.IsConsortiumAdmin)
            pending = pending.Where(r => administered.Contains(r.OrganizationId));
        return await ProjectRequests(pending).Take(50).ToListAsync(cancellationToken);
    }

    /// <summary>Approves (creating the membership) or declines a pending request.</summary>
    public async Task<Outcome<JoinRequestDto>> DecideAsync(Caller caller, Guid requestId, bool approve, CancellationToken cancellationToken)
    {
        var request = await db.JoinRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is null)
            return new Outcome<JoinRequestDto>.NotFound(Localized<MembershipText>.Format("RequestNotFound", requestId));
        if (!caller.IsAdminOf(request.OrganizationId))
            return new Outcome<JoinRequestDto>.Forbidden(Localized<MembershipText>.Get("DecideAdminsOnly"));
        if (request.Status != JoinRequestStatus.Pending)
            return new Outcome<JoinRequestDto>.Conflict(Localized<MembershipText>.Get(request.Status == JoinRequestStatus.Approved ? "AlreadyApproved" : "AlreadyDeclined"));

        request.Status = approve ? JoinRequestStatus.Approved : JoinRequestStatus.Declined;
        request.DecidedAt = db.Now;
        request.DecidedByUserId = caller.UserId;
        if (approve && !await db.Memberships.AnyAsync(m => m.OrganizationId == request.OrganizationId && m.UserId == request.UserId, cancellationToken))
        {
            db.Memberships.Add(new Membership
            {
                OrganizationId = request.OrganizationId,
                UserId = request.UserId,
                Role = request.RequestedRole,
                JoinedAt = db.Now,
            });
        }
        await db.SaveAsAsync(caller, cancellationToken);
        return (await JoinRequestAsync(requestId, cancellationToken))!;
    }

    public async Task<MeDto?> MeAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                Email = u.Email ?? "",
                u.IsConsortiumAdmin,
                Memberships = u.Memberships.OrderBy(m => m.Organization!.Name)
                    .Select(m => new MembershipDto(m.OrganizationId, m.Organization!.Name, m.Role)).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null)
            return null;
        var requests = await ProjectRequests(db.JoinRequests.Where(r => r.UserId == userId)).Take(50).ToListAsync(cancellationToken);
        return new MeDto(user.Id, user.DisplayName, user.Email, user.IsConsortiumAdmin, user.Memberships, requests);
    }

    private async Task<Outcome<MemberDto>> MemberAsync(Caller caller, Guid organizationId, Guid userId, CancellationToken cancellationToken) =>
        await ProjectMembers(db.Memberships.Where(m => m.OrganizationId == organizationId && m.UserId == userId), MaySeeEmails(caller, organizationId))
            .FirstAsync(cancellationToken);

    private static IQueryable<MemberDto> ProjectMembers(IQueryable<Membership> memberships, bool withEmails) =>
        memberships.AsNoTracking().Select(m => new MemberDto(m.UserId, m.User!.DisplayName, withEmails ? m.User.Email ?? "" : null, m.Role, m.JoinedAt));

    private Task<JoinRequestDto?> JoinRequestAsync(Guid id, CancellationToken cancellationToken) =>
        ProjectRequests(db.JoinRequests.Where(r => r.Id == id)).FirstOrDefaultAsync(cancellationToken);

    private async Task<bool> IsLastAdminAsync(Guid organizationId, CancellationToken cancellationToken) =>
        await db.Memberships.CountAsync(m => m.OrganizationId == organizationId && m.Role == MemberRole.Admin, cancellationToken) <= 1;

    private static IQueryable<JoinRequestDto> ProjectRequests(IQueryable<JoinRequest> requests) =>
        requests.AsNoTracking().OrderByDescending(r => r.CreatedAt).Select(r => new JoinRequestDto(
            r.Id, r.OrganizationId, r.Organization!.Name, r.UserId, r.User!.DisplayName, r.User.Email ?? "",
            r.RequestedRole, r.Message, r.Status, r.CreatedAt, r.DecidedAt));

    private static bool TryParseRole(string? text, bool required, out MemberRole role, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
        role = MemberRole.Member;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
                errors.Add("role", Localized<MembershipText>.Get("RoleRequired"));
            return !required;
        }
        if (Naming.TryParseSnakeCase(text.Trim(), out role))
            return true;
        errors.Add("role", Localized<MembershipText>.Format("RoleInvalid", text));
        return false;
    }
}
