using Portal.Api.Skus;

namespace Portal.Components.Skus;

/// <summary>
/// The catalogue's CSV export for signed-in people (cookie); scripts use the API's
/// /api/v1/skus/export.csv with a token. Both call the same endpoint handler.
/// </summary>
public static class SkuExport
{
    public const string Path = "/export/skus.csv";

    public static IEndpointConventionBuilder MapSkuExport(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, ([AsParameters] SkuQuery query, SkuService skus, CancellationToken cancellationToken) =>
                SkuEndpoints.ExportSkus(query, skus, cancellationToken))
            .RequireAuthorization()
            .ExcludeFromDescription();
}
