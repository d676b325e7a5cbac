using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>The list's filters and orders, shared by the page, the map and the CSV export.</summary>
internal static class DeploymentFilters
{
    public static readonly string[] SortKeys =
        ["name", "country", "status", "plannedMw", "installedMw", "plannedAccelerators", "installedAccelerators", "peakPflops", "created", "updated"];

    public static IQueryable<SovereignDeployment>? Filter(IQueryable<SovereignDeployment> deployments, DeploymentQuery query, ValidationErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + Like.Escape(query.Q.Trim()) + "%";
            const string escape = Like.EscapeCharacter;
            // No COALESCE around a column, so that each arm of the OR reads its own trigram index (a BitmapOr); NULL does not match anyway.
            deployments = deployments.Where(d =>
                EF.Functions.ILike(d.Name, pattern, escape) || EF.Functions.ILike(d.Site!, pattern, escape)
                || EF.Functions.ILike(d.Region!, pattern, escape));
        }
        if (!string.IsNullOrWhiteSpace(query.Country))
        {
            var country = query.Country.Trim().ToUpperInvariant();
            if (Countries.IsValid(country))
                deployments = deployments.Where(d => d.Country == country);
            else
                errors.Add("country", Localized<DeploymentText>.Format("CountryInvalid", query.Country));
        }
        if (!string.IsNullOrWhiteSpace(query.Status))
        {
            if (Naming.TryParseSnakeCase<DeploymentStatus>(query.Status.Trim(), out var status))
                deployments = deployments.Where(d => d.Status == status);
            else
                errors.Add("status", Localized<DeploymentText>.Format("StatusInvalid", DeploymentValidator.OneOf<DeploymentStatus>()));
        }
        if (query.Ministry is { } ministry)
            deployments = deployments.Where(d => d.MinistryId == ministry);
        if (query.Participant is { } participant)
            deployments = deployments.Where(d => d.Participants.Any(p => p.OrganizationId == participant));
        if (!string.IsNullOrWhiteSpace(query.EnergySource))
        {
            var source = query.EnergySource.Trim();
            if (EnergySources.All.Contains(source))
                deployments = deployments.Where(d => d.EnergySources.Contains(source));
            else
                errors.Add("energySource", Localized<DeploymentText>.Format("EnergySourceInvalid", source, string.Join(", ", EnergySources.All)));
        }
        return errors.Any ? null : deployments;
    }

    public static IQueryable<DeploymentRow>? Sort(IQueryable<DeploymentRow> rows, string? sort, ValidationErrors errors) =>
        ParseSort(sort, errors) is var (key, descending) ? Sort(rows, key, descending) : null;

    /// <summary>A valid sort key and its direction, or a field error on "sort".</summary>
    public static (string Key, bool Descending)? ParseSort(string? sort, ValidationErrors errors)
    {
        var key = string.IsNullOrWhiteSpace(sort) ? "name" : sort.Trim();
        var descending = key.StartsWith('-');
        if (descending)
            key = key[1..];
        if (SortKeys.Contains(key))
            return (key, descending);
        errors.Add("sort", Localized<DeploymentText>.Format("SortInvalid", string.Join(", ", SortKeys)));
        return null;
    }

    public static IQueryable<DeploymentRow> Sort(IQueryable<DeploymentRow> rows, string key, bool descending)
    {
        var ordered = key switch
        {
            "country" => By(rows, r => r.Country, descending),
            // The life cycle's order, not the alphabet's.
            "status" => By(rows, r => r.Status == DeploymentStatus.Announced ? 0
                : r.Status == DeploymentStatus.Planned ? 1
                : r.Status == DeploymentStatus.UnderConstruction ? 2
                : r.Status == DeploymentStatus.Operational ? 3
                : r.Status == DeploymentStatus.Paused ? 4 : 5, descending),
            // Unknown power sorts last either way, as (x IS NULL), COALESCE(±x, 0): the expression indexes of the
            // RegistryAtScale migration hold exactly this order (with name, id), so a page is read in index order.
            "plannedMw" => descending
                ? rows.OrderBy(r => r.PlannedMw == null).ThenBy(r => -r.PlannedMw ?? 0.0)
                : rows.OrderBy(r => r.PlannedMw == null).ThenBy(r => r.PlannedMw ?? 0.0),
            "installedMw" => descending
                ? rows.OrderBy(r => r.InstalledMw == null).ThenBy(r => -r.InstalledMw ?? 0.0)
                : rows.OrderBy(r => r.InstalledMw == null).ThenBy(r => r.InstalledMw ?? 0.0),
            "plannedAccelerators" => By(rows, r => r.PlannedAccelerators, descending),
            "installedAccelerators" => By(rows, r => r.InstalledAccelerators, descending),
            "peakPflops" => By(rows, r => r.PlannedTflops, descending),
            "created" => By(rows, r => r.CreatedAt, descending),
            "updated" => By(rows, r => r.UpdatedAt, descending),
            _ => By(rows, r => r.Name, descending),
        };
        // A unique tie-breaker keeps pages stable; by name, both keys run one way, so that a cursor is one row comparison
        // (DeploymentKeyset).
        if (key == "name")
            return descending ? ordered.ThenByDescending(r => r.Id) : ordered.ThenBy(r => r.Id);
        return ordered.ThenBy(r => r.Name).ThenBy(r => r.Id);
    }

    private static IOrderedQueryable<DeploymentRow> By<TKey>(IQueryable<DeploymentRow> rows, Expression<Func<DeploymentRow, TKey>> key, bool descending) =>
        descending ? rows.OrderByDescending(key) : rows.OrderBy(key);
}
