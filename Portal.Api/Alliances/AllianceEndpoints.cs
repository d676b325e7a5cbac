using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Alliances;

public static class AllianceEndpoints
{
    public static IEndpointRouteBuilder MapAlliancesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/alliances").WithTags("Alliances");
        group.MapGet("/", ListAlliances).WithName(nameof(ListAlliances)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/{id:guid}", GetAlliance).WithName(nameof(GetAlliance)).ProducesProblems(404).OpenToAnonymous();
        group.MapPost("/", CreateAlliance).WithName(nameof(CreateAlliance)).ProducesProblems(400, 403);
        group.MapPut("/{id:guid}", UpdateAlliance).WithName(nameof(UpdateAlliance)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{id:guid}", DeleteAlliance).WithName(nameof(DeleteAlliance)).ProducesProblems(403, 404);
        return app;
    }

    public static async Task<Results<Ok<PagedList<AllianceDto>>, ValidationProblem, ProblemHttpResult>> ListAlliances(
        [AsParameters] AllianceQuery query, AllianceService alliances, CancellationToken cancellationToken) =>
        (await alliances.ListAsync(query, cancellationToken)).ToOk();

    public static async Task<Results<Ok<AllianceDto>, ValidationProblem, ProblemHttpResult>> GetAlliance(
        Guid id, AllianceService alliances, CancellationToken cancellationToken) =>
        (await alliances.GetAsync(id, cancellationToken)).ToOk();

    public static async Task<Results<Created<AllianceDto>, ValidationProblem, ProblemHttpResult>> CreateAlliance(
        AllianceInput input, Caller caller, AllianceService alliances, CancellationToken cancellationToken) =>
        (await alliances.CreateAsync(caller, input, cancellationToken)).ToCreated(a => $"/api/v1/alliances/{a.Id}");

    public static async Task<Results<Ok<AllianceDto>, ValidationProblem, ProblemHttpResult>> UpdateAlliance(
        Guid id, AllianceInput input, Caller caller, AllianceService alliances, CancellationToken cancellationToken) =>
        (await alliances.UpdateAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAlliance(
        Guid id, Caller caller, AllianceService alliances, CancellationToken cancellationToken) =>
        (await alliances.DeleteAsync(caller, id, cancellationToken)).ToNoContent();
}
