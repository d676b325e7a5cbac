using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Matrix;

public static class MatrixEndpoints
{
    public static IEndpointRouteBuilder MapMatrixApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/matrix").WithTags("Compatibility matrix");
        group.MapGet("/", GetMatrix).WithName(nameof(GetMatrix)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/export.csv", ExportMatrix).WithName(nameof(ExportMatrix)).Produces<string>(200, "text/csv").ProducesProblems(400).OpenToAnonymous();
        return app;
    }

    public static async Task<Results<Ok<MatrixDto>, ValidationProblem, ProblemHttpResult>> GetMatrix(
        [AsParameters] MatrixQuery query, Caller? caller, MatrixService matrix, CancellationToken cancellationToken) =>
        (await matrix.GetAsync(caller, query, cancellationToken)).ToOk();

    public static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportMatrix(
        [AsParameters] MatrixQuery query, Caller? caller, MatrixService matrix, CancellationToken cancellationToken) =>
        (await matrix.GetAsync(caller, query, cancellationToken)).To(m => TypedResults.Stream(
            stream => MatrixCsv.WriteAsync(stream, m, cancellationToken),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: "compatibility-matrix.csv"));
}
