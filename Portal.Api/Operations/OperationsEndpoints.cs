using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Operations;

/// <summary>The queue's operations view under /api/v1/operations: consortium admins only (others get 403).</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/operations").WithTags("Operations");
        group.MapGet("/queue", GetQueueOverview).WithName(nameof(GetQueueOverview)).ProducesProblems(403);
        group.MapGet("/failed-jobs", ListFailedJobs).WithName(nameof(ListFailedJobs)).ProducesProblems(400, 403);
        group.MapPost("/failed-jobs/{id:guid}/retry", RetryFailedJob).WithName(nameof(RetryFailedJob)).ProducesProblems(403, 404, 409);
        return app;
    }

    public static async Task<Results<Ok<QueueOverviewDto>, ValidationProblem, ProblemHttpResult>> GetQueueOverview(Caller caller,
        OperationsService operations, CancellationToken cancellationToken) =>
        (await operations.OverviewAsync(caller, cancellationToken)).ToOk();

    public static async Task<Results<Ok<PagedList<FailedJobDto>>, ValidationProblem, ProblemHttpResult>> ListFailedJobs(
        [AsParameters] FailedJobQuery query, Caller caller, OperationsService operations, CancellationToken cancellationToken) =>
        (await operations.FailedJobsAsync(caller, query, cancellationToken)).ToOk();

    public static async Task<Results<Ok<RetriedJobDto>, ValidationProblem, ProblemHttpResult>> RetryFailedJob(Guid id, Caller caller,
        OperationsService operations, CancellationToken cancellationToken) =>
        (await operations.RetryAsync(caller, id, cancellationToken)).ToOk();
}
