using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Tests;

namespace Portal.Api.Runs;

public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var tests = app.MapGroup("/tests/{testId:guid}/runs").WithTags("Runs");
        tests.MapPost("/", SubmitRun).WithName(nameof(SubmitRun)).ProducesProblems(400, 404, 429).WithRetryAfter();
        tests.MapGet("/", ListTestRuns).WithName(nameof(ListTestRuns)).ProducesProblems(400, 404).OpenToAnonymous();
        app.MapGet("/runs/{id:guid}", GetRun).WithName(nameof(GetRun)).WithTags("Runs").ProducesProblems(404).OpenToAnonymous();
        app.MapGet("/runs/{id:guid}/events", WatchRun).WithName(nameof(WatchRun)).WithTags("Runs").ProducesProblems(404);
        app.MapGet("/jobs/{id:guid}/signed-result", GetSignedResult).WithName(nameof(GetSignedResult)).WithTags("Runs").ProducesProblems(404)
            .OpenToAnonymous();
        app.MapDelete("/jobs/{id:guid}", CancelJob).WithName(nameof(CancelJob)).WithTags("Runs").ProducesProblems(403, 404, 409);
        return app;
    }

    public static async Task<Results<Created<RunDto>, ValidationProblem, ProblemHttpResult>> SubmitRun(
        Guid testId, RunInput input, Caller caller, RunService runs, CancellationToken cancellationToken) =>
        (await runs.SubmitAsync(caller, testId, input, cancellationToken)).ToCreated(r => $"/api/v1/runs/{r.Id}");

    public static async Task<Results<Ok<PagedList<RunListItem>>, ValidationProblem, ProblemHttpResult>> ListTestRuns(
        Guid testId, int? page, int? pageSize, Caller? caller, RunService runs, CancellationToken cancellationToken) =>
        (await runs.ListForTestAsync(caller, testId, page, pageSize, cancellationToken)).ToOk();

    public static async Task<Results<Ok<RunDto>, ValidationProblem, ProblemHttpResult>> GetRun(
        Guid id, Caller? caller, RunService runs, CancellationToken cancellationToken) =>
        (await runs.GetAsync(caller, id, cancellationToken)).ToOk();

    /// <summary>
    /// Server-sent events: a <c>progress</c> event with the run's <see cref="RunProgress"/> now, then each time one of its
    /// jobs changes (on any replica), until every job is final.
    /// </summary>
    public static async Task<Results<ServerSentEventsResult<RunProgress>, ValidationProblem, ProblemHttpResult>> WatchRun(
        Guid id, Caller caller, RunService runs, JobSignals signals, CancellationToken cancellationToken)
    {
        var found = await runs.GetProgressAsync(caller, id, cancellationToken);
        return found.To(_ => TypedResults.ServerSentEvents(RunProgressStream.ReadAsync(id, caller, runs, signals, cancellationToken), "progress"));
    }

    /// <summary>
    /// The job's result as its agent signed it (Portal.Contracts.Signing.SignedResult), with the signer's public key: save it
    /// and check it with <c>Portal.Agent verify FILE</c>.
    /// </summary>
    public static async Task<Results<Ok<System.Text.Json.Nodes.JsonObject>, ValidationProblem, ProblemHttpResult>> GetSignedResult(
        Guid id, Caller? caller, Portal.Api.Agents.Signing.ResultSignatures signatures, CancellationToken cancellationToken) =>
        (await signatures.GetAsync(caller, id, cancellationToken)).ToOk();

    /// <summary>Cancels the job; answers its new state, or 409 when it already had an outcome.</summary>
    public static async Task<Results<Ok<JobDto>, ValidationProblem, ProblemHttpResult>> CancelJob(
        Guid id, Caller caller, RunService runs, CancellationToken cancellationToken) =>
        (await runs.CancelJobAsync(caller, id, cancellationToken)).ToOk();
}
