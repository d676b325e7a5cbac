using Portal.Api.Organizations;

namespace Portal.Components.Organizations;

/// <summary>
/// The organisations list's CSV export for signed-in people (cookie); scripts use the API's
/// /api/v1/organizations/export.csv with a token. Both call the same endpoint handler.
/// </summary>
public static class OrganizationExport
{
    public const string Path = "/export/organizations.csv";

    public static IEndpointConventionBuilder MapOrganizationExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ([AsParameters] OrganizationQuery query, OrganizationService organizations, CancellationToken cancellationToken) =>
                OrganizationEndpoints.ExportOrganizations(query, organizations, cancellationToken))
            .RequireAuthorization()
            .ExcludeFromDescription();
}
