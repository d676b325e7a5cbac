using Portal.Api.Common;
using Portal.Data.Compatibility;
using Portal.Data.Ops;

namespace Portal.Api.Ops;

/// <summary>
/// Who sees and changes a saved op: the same rule as tests. A private op is seen only by its organisation's members and
/// consortium admins; to anyone else it does not exist (404, not 403). Consortium ops are seen by everyone signed in.
/// </summary>
public static class SavedOpAccess
{
    public static IQueryable<SavedOp> VisibleTo(this IQueryable<SavedOp> ops, Caller caller)
    {
        if (caller.IsConsortiumAdmin)
            return ops;
        var mine = caller.Roles.Keys.ToList();
        return ops.Where(o => o.Visibility == TestVisibility.Consortium || mine.Contains(o.OrganizationId));
    }

    public static IQueryable<SavedOpVersion> VisibleTo(this IQueryable<SavedOpVersion> versions, Caller caller)
    {
        if (caller.IsConsortiumAdmin)
            return versions;
        var mine = caller.Roles.Keys.ToList();
        return versions.Where(v => v.Op!.Visibility == TestVisibility.Consortium || mine.Contains(v.Op.OrganizationId));
    }

    /// <summary>The owner organisation's members (and consortium admins) add versions and change the visibility.</summary>
    public static bool CanEdit(Caller caller, Guid organizationId) => caller.IsConsortiumAdmin || caller.IsMemberOf(organizationId);
}
