using Portal.Api.Common;
using Portal.Data.Publishing;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>
/// Who reads a SKU (DESIGN.md "Public by default, private by choice"): a public SKU everyone, signed in or not; a private
/// or embargoed one only its vendor's members and consortium admins. To anyone else it does not exist (404, not 403).
/// Every read of SKUs (lists, detail, search, matrix, charts, holdings, a deployment's bill) goes through here.
/// </summary>
public static class SkuAccess
{
    /// <param name="caller">Null for an anonymous reader.</param>
    public static IQueryable<HardwareSku> VisibleTo(this IQueryable<HardwareSku> skus, Caller? caller)
    {
        if (caller is { IsConsortiumAdmin: true })
            return skus;
        // A reader with no memberships (an anonymous visitor) gets the plain condition, which the state index answers.
        if (caller is null || caller.Roles.Count == 0)
            return skus.Where(s => s.Publication == Publication.Public);
        var mine = caller.Roles.Keys.ToList();
        return skus.Where(s => s.Publication == Publication.Public || mine.Contains(s.VendorId));
    }

    public static bool CanSee(Caller? caller, Guid vendorId, Publication publication) =>
        publication == Publication.Public || (caller is not null && (caller.IsConsortiumAdmin || caller.IsMemberOf(vendorId)));
}
