using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Sources;

/// <summary>The sources of a SKU's and a deployment's figures: <c>/api/v1/{skus|deployments}/{id}/sources</c>.</summary>
public static class FigureSourceEndpoints
{
    public static IEndpointRouteBuilder MapFigureSourcesApi(this IEndpointRouteBuilder app)
    {
        var skus = app.MapGroup("/skus/{id:guid}/sources").WithTags("Hardware SKUs");
        skus.MapGet("/", ListSkuSources).WithName(nameof(ListSkuSources)).ProducesProblems(404).OpenToAnonymous();
        skus.MapPut("/{figure}", SetSkuSource).WithName(nameof(SetSkuSource)).ProducesProblems(400, 403, 404, 409);
        skus.MapDelete("/{figure}", RemoveSkuSource).WithName(nameof(RemoveSkuSource)).ProducesProblems(403, 404, 409);
        var deployments = app.MapGroup("/deployments/{id:guid}/sources").WithTags("Deployments");
        deployments.MapGet("/", ListDeploymentSources).WithName(nameof(ListDeploymentSources)).ProducesProblems(404).OpenToAnonymous();
        deployments.MapPut("/{figure}", SetDeploymentSource).WithName(nameof(SetDeploymentSource)).ProducesProblems(400, 403, 404, 409);
        deployments.MapDelete("/{figure}", RemoveDeploymentSource).WithName(nameof(RemoveDeploymentSource)).ProducesProblems(403, 404, 409);
        return app;
    }

    public static async Task<Results<Ok<FigureSourcesDto>, ValidationProblem, ProblemHttpResult>> ListSkuSources(
        Guid id, Caller? caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.ListAsync(caller, FigureOwner.Sku, id, cancellationToken)).ToOk();

    /// <summary>Sets the source of one figure (memory_bandwidth_tbs, bf16_tflops, …); the SKU's vendor's members and consortium admins may.</summary>
    public static async Task<Results<Ok<FigureSourceDto>, ValidationProblem, ProblemHttpResult>> SetSkuSource(
        Guid id, string figure, FigureSourceInput input, Caller caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.SetAsync(caller, FigureOwner.Sku, id, figure, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveSkuSource(
        Guid id, string figure, Caller caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.RemoveAsync(caller, FigureOwner.Sku, id, figure, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<FigureSourcesDto>, ValidationProblem, ProblemHttpResult>> ListDeploymentSources(
        Guid id, Caller? caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.ListAsync(caller, FigureOwner.Deployment, id, cancellationToken)).ToOk();

    /// <summary>Sets the source of one figure (planned_mw, budget, …); whoever may edit the deployment may.</summary>
    public static async Task<Results<Ok<FigureSourceDto>, ValidationProblem, ProblemHttpResult>> SetDeploymentSource(
        Guid id, string figure, FigureSourceInput input, Caller caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.SetAsync(caller, FigureOwner.Deployment, id, figure, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveDeploymentSource(
        Guid id, string figure, Caller caller, FigureSourceService sources, CancellationToken cancellationToken) =>
        (await sources.RemoveAsync(caller, FigureOwner.Deployment, id, figure, cancellationToken)).ToNoContent();
}
