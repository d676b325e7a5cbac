using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Sources;

namespace Portal.Api.Deployments;

public static class DeploymentEndpoints
{
    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/deployments").WithTags("Deployments");
        group.MapGet("/", ListDeployments).WithName(nameof(ListDeployments)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/export.csv", ExportDeployments).WithName(nameof(ExportDeployments))
            .Produces<string>(200, "text/csv").ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/sites", ListDeploymentSites).WithName(nameof(ListDeploymentSites)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/{id:guid}", GetDeployment).WithName(nameof(GetDeployment)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/{id:guid}/audit", GetDeploymentAudit).WithName(nameof(GetDeploymentAudit)).ProducesProblems(400);
        group.MapPost("/", CreateDeployment).WithName(nameof(CreateDeployment)).ProducesProblems(400, 403);
        group.MapPut("/{id:guid}", UpdateDeployment).WithName(nameof(UpdateDeployment)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{id:guid}", DeleteDeployment).WithName(nameof(DeleteDeployment)).ProducesProblems(403, 404);
        group.MapDeploymentPartsApi();
        return app;
    }

    public static async Task<Results<Ok<PagedList<DeploymentListItem>>, ValidationProblem, ProblemHttpResult>> ListDeployments(
        [AsParameters] DeploymentQuery query, Caller? caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.ListAsync(caller, query, cancellationToken)).ToOk();

    public static Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult> ExportDeployments(
        [AsParameters] DeploymentQuery query, Caller? caller, DeploymentService deployments, FigureSourceService sources, CancellationToken cancellationToken) =>
        deployments.Export(caller, query).To(rows => TypedResults.Stream(
            stream => DeploymentCsv.WriteAsync(stream, rows, sources, cancellationToken),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: "deployments.csv"));

    public static async Task<Results<Ok<IReadOnlyList<DeploymentSite>>, ValidationProblem, ProblemHttpResult>> ListDeploymentSites(
        [AsParameters] DeploymentQuery query, Caller? caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.SitesAsync(caller, query, cancellationToken)).ToOk();

    public static async Task<Results<Ok<DeploymentDto>, ValidationProblem, ProblemHttpResult>> GetDeployment(
        Guid id, Caller? caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.GetAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<PagedList<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> GetDeploymentAudit(
        Guid id, int? page, int? pageSize, Caller caller, AuditService audit, CancellationToken cancellationToken) =>
        (await audit.ListAsync(caller, new AuditQuery { EntityType = "SovereignDeployment", EntityId = id.ToString(), Page = page, PageSize = pageSize },
            cancellationToken)).ToOk();

    public static async Task<Results<Created<DeploymentDto>, ValidationProblem, ProblemHttpResult>> CreateDeployment(
        DeploymentInput input, Caller caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.CreateAsync(caller, input, cancellationToken)).ToCreated(d => $"/api/v1/deployments/{d.Id}");

    public static async Task<Results<Ok<DeploymentDto>, ValidationProblem, ProblemHttpResult>> UpdateDeployment(
        Guid id, DeploymentInput input, Caller caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.UpdateAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteDeployment(
        Guid id, Caller caller, DeploymentService deployments, CancellationToken cancellationToken) =>
        (await deployments.DeleteAsync(caller, id, cancellationToken)).ToNoContent();
}
