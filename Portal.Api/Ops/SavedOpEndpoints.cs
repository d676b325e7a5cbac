using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Ops;

public static class SavedOpEndpoints
{
    public static IEndpointRouteBuilder MapSavedOpsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops").WithTags("Op definitions");
        group.MapGet("/", ListOps).WithName(nameof(ListOps)).ProducesProblems(400);
        group.MapGet("/{id:guid}", GetOp).WithName(nameof(GetOp)).ProducesProblems(404);
        group.MapPost("/", CreateOp).WithName(nameof(CreateOp)).ProducesProblems(400);
        group.MapPost("/{id:guid}/versions", AddOpVersion).WithName(nameof(AddOpVersion)).ProducesProblems(400, 403, 404, 409);
        group.MapPut("/{id:guid}/visibility", SetOpVisibility).WithName(nameof(SetOpVisibility)).ProducesProblems(400, 403, 404, 409);
        group.MapGet("/{id:guid}/tests", ListOpTests).WithName(nameof(ListOpTests)).ProducesProblems(404);
        return app;
    }

    public static async Task<Results<Ok<PagedList<SavedOpListItem>>, ValidationProblem, ProblemHttpResult>> ListOps(
        [AsParameters] SavedOpQuery query, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.ListAsync(caller, query, cancellationToken)).ToOk();

    public static async Task<Results<Ok<SavedOpDto>, ValidationProblem, ProblemHttpResult>> GetOp(
        Guid id, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.GetAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<SavedOpDto>, ValidationProblem, ProblemHttpResult>> CreateOp(
        SavedOpInput input, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.CreateAsync(caller, input, cancellationToken)).ToCreated(o => $"/api/v1/ops/{o.Id}");

    public static async Task<Results<Created<SavedOpDto>, ValidationProblem, ProblemHttpResult>> AddOpVersion(
        Guid id, SavedOpVersionInput input, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.AddVersionAsync(caller, id, input, cancellationToken)).ToCreated(o => $"/api/v1/ops/{o.Id}");

    public static async Task<Results<Ok<SavedOpDto>, ValidationProblem, ProblemHttpResult>> SetOpVisibility(
        Guid id, SavedOpVisibilityInput input, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.SetVisibilityAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<Ok<IReadOnlyList<SavedOpTestDto>>, ValidationProblem, ProblemHttpResult>> ListOpTests(
        Guid id, Caller caller, SavedOpService ops, CancellationToken cancellationToken) =>
        (await ops.TestsAsync(caller, id, cancellationToken)).ToOk();
}
