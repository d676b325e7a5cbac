using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/audit").WithTags("Audit");
        group.MapGet("/", ListAuditEntries).WithName(nameof(ListAuditEntries)).ProducesProblems(400);
        return app;
    }

    public static async Task<Results<Ok<PagedList<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> ListAuditEntries(
        [AsParameters] AuditQuery query, Caller caller, AuditService audit, CancellationToken cancellationToken) =>
        (await audit.ListAsync(caller, query, cancellationToken)).ToOk();
}
