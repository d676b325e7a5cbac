using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Matrix;
using Portal.Api.Organizations;
using Portal.Api.Skus;
using Portal.Api.Sources;

namespace Portal.Components.Shared;

/// <summary>
/// The lists' CSV exports for the pages (cookie, or anonymous: each reads through the same visibility rules as its page);
/// scripts use the API's …/export.csv. Each calls the same endpoint handler as its API twin, so the two cannot disagree.
/// </summary>
public static class CsvExports
{
    public const string OrganizationsPath = "/export/organizations.csv";
    public const string SkusPath = "/export/skus.csv";
    public const string DeploymentsPath = "/export/deployments.csv";
    public const string MatrixPath = "/export/matrix.csv";

    public static IEndpointRouteBuilder MapCsvExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        exports.MapGet(OrganizationsPath, ([AsParameters] OrganizationQuery query, OrganizationService organizations, CancellationToken cancellationToken) =>
            OrganizationEndpoints.ExportOrganizations(query, organizations, cancellationToken));
        exports.MapGet(SkusPath, ([AsParameters] SkuQuery query, Caller? caller, SkuService skus, FigureSourceService sources,
            CancellationToken cancellationToken) =>
            SkuEndpoints.ExportSkus(query, caller, skus, sources, cancellationToken));
        exports.MapGet(DeploymentsPath, ([AsParameters] DeploymentQuery query, Caller? caller, DeploymentService deployments, FigureSourceService sources,
            CancellationToken cancellationToken) =>
            DeploymentEndpoints.ExportDeployments(query, caller, deployments, sources, cancellationToken));
        exports.MapGet(MatrixPath, ([AsParameters] MatrixQuery query, Caller? caller, MatrixService matrix, CancellationToken cancellationToken) =>
            MatrixEndpoints.ExportMatrix(query, caller, matrix, cancellationToken));
        return app;
    }
}
