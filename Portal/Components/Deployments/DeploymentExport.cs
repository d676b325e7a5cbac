using Portal.Api.Deployments;

namespace Portal.Components.Deployments;

/// <summary>
/// The deployments list's CSV export for signed-in people (cookie); scripts use the API's
/// /api/v1/deployments/export.csv with a token. Both call the same endpoint handler.
/// </summary>
public static class DeploymentExport
{
    public const string Path = "/export/deployments.csv";

    public static IEndpointConventionBuilder MapDeploymentExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ([AsParameters] DeploymentQuery query, DeploymentService deployments, CancellationToken cancellationToken) =>
                DeploymentEndpoints.ExportDeployments(query, deployments, cancellationToken))
            .RequireAuthorization()
            .ExcludeFromDescription();
}
