using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Regressions;

/// <summary>Regressions of SKUs and devices, and the first driver each test passed under on a SKU.</summary>
public static class RegressionEndpoints
{
    public static IEndpointRouteBuilder MapRegressionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Regressions");
        group.MapGet("/skus/{id:guid}/regressions", GetSkuRegressions).WithName(nameof(GetSkuRegressions)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/agents/{agentId:guid}/devices/{deviceId:guid}/regressions", GetDeviceRegressions)
            .WithName(nameof(GetDeviceRegressions)).ProducesProblems(404);
        return app;
    }

    public static async Task<Results<Ok<SkuRegressionsDto>, ValidationProblem, ProblemHttpResult>> GetSkuRegressions(
        Guid id, Caller? caller, RegressionService regressions, CancellationToken cancellationToken) =>
        (await regressions.ForSkuPageAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<IReadOnlyList<RegressionDto>>, ValidationProblem, ProblemHttpResult>> GetDeviceRegressions(
        Guid agentId, Guid deviceId, Caller caller, RegressionService regressions, CancellationToken cancellationToken) =>
        (await regressions.ForDevicePageAsync(caller, agentId, deviceId, cancellationToken)).ToOk();
}
