using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Accounts;

public static class ApiTokenEndpoints
{
    public static IEndpointRouteBuilder MapApiTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tokens").WithTags("Account");
        group.MapGet("/", ListApiTokens).WithName(nameof(ListApiTokens));
        group.MapPost("/", CreateApiToken).WithName(nameof(CreateApiToken)).ProducesProblems(400);
        group.MapDelete("/{id:guid}", RevokeApiToken).WithName(nameof(RevokeApiToken)).ProducesProblems(404);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ApiTokenDto>>> ListApiTokens(Caller caller, ApiTokenService tokens, CancellationToken cancellationToken) =>
        TypedResults.Ok(await tokens.ListAsync(caller, cancellationToken));

    public static async Task<Results<Created<CreatedApiTokenDto>, ValidationProblem, ProblemHttpResult>> CreateApiToken(
        ApiTokenInput input, Caller caller, ApiTokenService tokens, CancellationToken cancellationToken) =>
        (await tokens.CreateAsync(caller, input, cancellationToken)).ToCreated(t => $"/api/v1/tokens/{t.Details.Id}");

    public static async Task<Results<Ok<ApiTokenDto>, ValidationProblem, ProblemHttpResult>> RevokeApiToken(
        Guid id, Caller caller, ApiTokenService tokens, CancellationToken cancellationToken) =>
        (await tokens.RevokeAsync(caller, id, cancellationToken)).ToOk();
}
