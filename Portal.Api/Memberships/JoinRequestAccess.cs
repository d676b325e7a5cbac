using Portal.Api.Common;
using Portal.Data.Organizations;

namespace Portal.Api.Memberships;

/// <summary>
/// Who sees a join request, its message included: the person who asked, the organisation's admins and consortium
/// admins. The pending list (admins) and "my requests" (the requester) are the two halves of this rule.
/// </summary>
public static class JoinRequestAccess
{
    public static IQueryable<JoinRequest> VisibleTo(this IQueryable<JoinRequest> requests, Caller caller)
    {
        if (caller.IsConsortiumAdmin)
            return requests;
        var administered = caller.Roles.Where(r => r.Value == MemberRole.Admin).Select(r => r.Key).ToList();
        return requests.Where(r => r.UserId == caller.UserId || administered.Contains(r.OrganizationId));
    }
}
