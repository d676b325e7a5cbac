using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>
/// Keyset pagination of the deployments list, as the catalogue has it (SkuKeyset): a cursor names the last row of a page
/// by its sort key, and the next page is the rows after it, one row comparison that an index seeks to
/// (<c>ix_sovereign_deployments_name</c>, or the RegistryAtScale expression indexes of planned and installed MW).
/// Orders with a cursor: name, plannedMw and installedMw, either way.
/// </summary>
internal static class DeploymentKeyset
{
    public static readonly string[] SortKeys = ["name", "plannedMw", "installedMw"];

    /// <summary>The position after a row: its sort, for a figure whether it is unknown and its rank (the ordered value,
    /// 0 when unknown), and its name and id.</summary>
    private sealed record Position(string Sort, bool? Unknown, double? Rank, string Name, Guid Id);

    public static bool Supports(string key) => SortKeys.Contains(key);

    /// <summary>The deployments after <paramref name="cursor"/> in the order (<paramref name="key"/>, <paramref name="descending"/>),
    /// or a field error on "cursor".</summary>
    public static IQueryable<SovereignDeployment>? After(
        IQueryable<SovereignDeployment> deployments, string key, bool descending, string cursor, ValidationErrors errors)
    {
        var sort = (descending ? "-" : "") + key;
        if (!Supports(key))
        {
            errors.Add("cursor", Localized<DeploymentText>.Format("CursorSortUnsupported", sort));
            return null;
        }
        var position = KeysetCursor.Decode<Position>(cursor);
        if (position is not { Sort: not null, Name: not null } || position.Sort != sort || (key != "name") != position.Unknown.HasValue)
        {
            errors.Add("cursor", Localized<DeploymentText>.Get("CursorInvalid"));
            return null;
        }
        var (name, id) = (position.Name, position.Id);
        var (unknown, rank) = (position.Unknown ?? false, position.Rank ?? 0);
        return (key, descending) switch
        {
            ("name", false) => deployments.Where(d =>
                EF.Functions.GreaterThan(new ValueTuple<string, Guid>(d.Name, d.Id), new ValueTuple<string, Guid>(name, id))),
            ("name", true) => deployments.Where(d =>
                EF.Functions.LessThan(new ValueTuple<string, Guid>(d.Name, d.Id), new ValueTuple<string, Guid>(name, id))),
            // The same expressions as DeploymentFilters.Sort and the indexes: (x IS NULL), COALESCE(±x, 0), name, id.
            ("plannedMw", false) => deployments.Where(d => EF.Functions.GreaterThan(
                new ValueTuple<bool, double, string, Guid>(d.PlannedMw == null, d.PlannedMw ?? 0.0, d.Name, d.Id),
                new ValueTuple<bool, double, string, Guid>(unknown, rank, name, id))),
            ("plannedMw", true) => deployments.Where(d => EF.Functions.GreaterThan(
                new ValueTuple<bool, double, string, Guid>(d.PlannedMw == null, -d.PlannedMw ?? 0.0, d.Name, d.Id),
                new ValueTuple<bool, double, string, Guid>(unknown, rank, name, id))),
            ("installedMw", false) => deployments.Where(d => EF.Functions.GreaterThan(
                new ValueTuple<bool, double, string, Guid>(d.InstalledMw == null, d.InstalledMw ?? 0.0, d.Name, d.Id),
                new ValueTuple<bool, double, string, Guid>(unknown, rank, name, id))),
            _ => deployments.Where(d => EF.Functions.GreaterThan(
                new ValueTuple<bool, double, string, Guid>(d.InstalledMw == null, -d.InstalledMw ?? 0.0, d.Name, d.Id),
                new ValueTuple<bool, double, string, Guid>(unknown, rank, name, id))),
        };
    }

    /// <summary>The cursor of the position after <paramref name="last"/>, the last row of a full page; null for other orders.</summary>
    public static string? Next(string key, bool descending, DeploymentRow last)
    {
        if (!Supports(key))
            return null;
        var sort = (descending ? "-" : "") + key;
        double? value = key switch { "plannedMw" => last.PlannedMw, "installedMw" => last.InstalledMw, _ => null };
        var position = key == "name"
            ? new Position(sort, null, null, last.Name, last.Id)
            : new Position(sort, value is null, value is { } v ? (descending ? -v : v) : 0, last.Name, last.Id);
        return KeysetCursor.Encode(position);
    }
}
