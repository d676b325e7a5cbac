using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Conformance;

/// <summary>Conformance profiles of SKUs and devices, and deployments' compatibility coverage; readable by anyone signed in.</summary>
public static class ConformanceEndpoints
{
    public static IEndpointRouteBuilder MapConformanceApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Conformance");
        group.MapGet("/skus/{id:guid}/conformance", GetSkuConformance).WithName(nameof(GetSkuConformance)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/agents/{agentId:guid}/devices/{deviceId:guid}/conformance", GetDeviceConformance)
            .WithName(nameof(GetDeviceConformance)).ProducesProblems(404);
        group.MapGet("/deployments/{id:guid}/coverage", GetDeploymentCoverage).WithName(nameof(GetDeploymentCoverage)).ProducesProblems(404).OpenToAnonymous();
        return app;
    }

    public static async Task<Results<Ok<ConformanceProfileDto>, ValidationProblem, ProblemHttpResult>> GetSkuConformance(
        Guid id, Caller? caller, ConformanceService conformance, CancellationToken cancellationToken) =>
        (await conformance.SkuProfileAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<DeviceConformanceDto>, ValidationProblem, ProblemHttpResult>> GetDeviceConformance(
        Guid agentId, Guid deviceId, ConformanceService conformance, CancellationToken cancellationToken) =>
        (await conformance.DeviceProfileAsync(agentId, deviceId, cancellationToken)).ToOk();

    public static async Task<Results<Ok<DeploymentCoverageDto>, ValidationProblem, ProblemHttpResult>> GetDeploymentCoverage(
        Guid id, Caller? caller, ConformanceService conformance, CancellationToken cancellationToken) =>
        (await conformance.DeploymentCoverageAsync(caller, id, cancellationToken)).ToOk();
}
