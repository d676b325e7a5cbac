using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Sources;

namespace Portal.Api.Skus;

public static class SkuEndpoints
{
    public const string AuditEntityType = "HardwareSku";

    public static IEndpointRouteBuilder MapSkusApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/skus").WithTags("Hardware SKUs");
        group.MapGet("/", ListSkus).WithName(nameof(ListSkus)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/export.csv", ExportSkus).WithName(nameof(ExportSkus)).Produces<string>(200, "text/csv").ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/compare", CompareSkus).WithName(nameof(CompareSkus)).ProducesProblems(400, 404).OpenToAnonymous();
        group.MapGet("/{id:guid}", GetSku).WithName(nameof(GetSku)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/{id:guid}/audit", GetSkuAudit).WithName(nameof(GetSkuAudit)).ProducesProblems(400);
        group.MapPost("/", CreateSku).WithName(nameof(CreateSku)).ProducesProblems(400, 403);
        group.MapPut("/{id:guid}", UpdateSku).WithName(nameof(UpdateSku)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{id:guid}", DeleteSku).WithName(nameof(DeleteSku)).ProducesProblems(403, 404, 409);
        return app;
    }

    public static async Task<Results<Ok<PagedList<SkuListItem>>, ValidationProblem, ProblemHttpResult>> ListSkus(
        [AsParameters] SkuQuery query, Caller? caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.ListAsync(caller, query, cancellationToken)).ToOk();

    public static Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult> ExportSkus(
        [AsParameters] SkuQuery query, Caller? caller, SkuService skus, FigureSourceService sources, CancellationToken cancellationToken) =>
        skus.Export(caller, query).To(rows => TypedResults.Stream(
            stream => SkuCsv.WriteAsync(stream, rows, sources, cancellationToken),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: "skus.csv"));

    /// <summary>ids: 2–4 SKU ids, comma-separated.</summary>
    public static async Task<Results<Ok<IReadOnlyList<SkuDetail>>, ValidationProblem, ProblemHttpResult>> CompareSkus(
        string? ids, Caller? caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.CompareAsync(caller, ids, cancellationToken)).ToOk();

    public static async Task<Results<Ok<SkuDetail>, ValidationProblem, ProblemHttpResult>> GetSku(
        Guid id, Caller? caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.GetAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<PagedList<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> GetSkuAudit(
        Guid id, int? page, int? pageSize, Caller caller, AuditService audit, CancellationToken cancellationToken) =>
        (await audit.ListAsync(caller, new AuditQuery { EntityType = AuditEntityType, EntityId = id.ToString(), Page = page, PageSize = pageSize }, cancellationToken)).ToOk();

    public static async Task<Results<Created<SkuDetail>, ValidationProblem, ProblemHttpResult>> CreateSku(
        SkuInput input, Caller caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.CreateAsync(caller, input, cancellationToken)).ToCreated(s => $"/api/v1/skus/{s.Id}");

    public static async Task<Results<Ok<SkuDetail>, ValidationProblem, ProblemHttpResult>> UpdateSku(
        Guid id, SkuInput input, Caller caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.UpdateAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSku(
        Guid id, Caller caller, SkuService skus, CancellationToken cancellationToken) =>
        (await skus.DeleteAsync(caller, id, cancellationToken)).ToNoContent();
}
