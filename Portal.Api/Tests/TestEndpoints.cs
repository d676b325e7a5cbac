using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Tests;

public static class TestEndpoints
{
    public static IEndpointRouteBuilder MapTestsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tests").WithTags("Compatibility tests");
        group.MapGet("/", ListTests).WithName(nameof(ListTests)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/{id:guid}", GetTest).WithName(nameof(GetTest)).ProducesProblems(404).OpenToAnonymous();
        group.MapPost("/", CreateTest).WithName(nameof(CreateTest)).ProducesProblems(400, 429).WithRetryAfter();
        group.MapPut("/{id:guid}", UpdateTest).WithName(nameof(UpdateTest)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{id:guid}", DeleteTest).WithName(nameof(DeleteTest)).ProducesProblems(403, 404, 409);
        app.MapGet("/suites", ListSuites).WithName(nameof(ListSuites)).WithTags("Compatibility tests").OpenToAnonymous();
        return app;
    }

    public static async Task<Results<Ok<PagedList<TestListItem>>, ValidationProblem, ProblemHttpResult>> ListTests(
        [AsParameters] TestQuery query, Caller? caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        (await tests.ListAsync(caller, query, cancellationToken)).ToOk();

    public static async Task<Results<Ok<TestDto>, ValidationProblem, ProblemHttpResult>> GetTest(
        Guid id, Caller? caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        (await tests.GetAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<TestDto>, ValidationProblem, ProblemHttpResult>> CreateTest(
        TestInput input, Caller caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        (await tests.CreateAsync(caller, input, cancellationToken)).ToCreated(t => $"/api/v1/tests/{t.Id}");

    public static async Task<Results<Ok<TestDto>, ValidationProblem, ProblemHttpResult>> UpdateTest(
        Guid id, TestInput input, Caller caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        (await tests.UpdateAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTest(
        Guid id, Caller caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        (await tests.DeleteAsync(caller, id, cancellationToken)).ToNoContent();

    public static async Task<Ok<IReadOnlyList<SuiteDto>>> ListSuites(
        Caller? caller, CompatibilityTestService tests, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tests.SuitesAsync(caller, cancellationToken));
}
