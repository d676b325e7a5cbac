using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Citations;

public static class CitedResultEndpoints
{
    public static IEndpointRouteBuilder MapCitedResultsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/results/{id:guid}", GetResult).WithName(nameof(GetResult)).WithTags("Results").ProducesProblems(404).OpenToAnonymous();
        return app;
    }

    /// <summary>One result with its provenance; its id is the job's and stays the same for good.</summary>
    public static async Task<Results<Ok<CitedResultDto>, ValidationProblem, ProblemHttpResult>> GetResult(
        Guid id, Caller? caller, CitedResultService results, CancellationToken cancellationToken) =>
        (await results.GetAsync(caller, id, cancellationToken)).ToOk();
}
