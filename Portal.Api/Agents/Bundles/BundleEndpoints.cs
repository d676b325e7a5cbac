using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Agents.Bundles;

/// <summary>Air-gapped agents: enrolment from a one-time code, and the upload of their signed bundles.</summary>
public static class BundleEndpoints
{
    /// <summary>A bundle of the whole suite on a few devices, compile logs included, stays well under this.</summary>
    public const long MaxBundleBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapBundlesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/agents/offline", EnrolOfflineAgent).WithName(nameof(EnrolOfflineAgent)).WithTags("Agents").ProducesProblems(400, 403, 404, 409);
        app.MapPost("/bundles", UploadBundle).WithName(nameof(UploadBundle)).WithTags("Agents")
            .WithRequestBodyCap(MaxBundleBytes).ProducesProblems(400, 403, 413);
        app.MapGet("/bundles/suite", GetOfflineSuite).WithName(nameof(GetOfflineSuite)).WithTags("Agents");
        return app;
    }

    public static async Task<Results<Ok<AgentDto>, ValidationProblem, ProblemHttpResult>> EnrolOfflineAgent(OfflineEnrolmentInput input, Caller caller,
        BundleService bundles, CancellationToken cancellationToken) =>
        (await bundles.EnrolOfflineAsync(caller, input, cancellationToken)).ToOk();

    /// <summary>The conformance suite's specs for an air-gapped agent (<c>Portal.Agent fetch-suite</c>).</summary>
    public static async Task<Ok<JsonObject>> GetOfflineSuite(string? language, BundleService bundles, CancellationToken cancellationToken) =>
        TypedResults.Ok(await bundles.SuiteAsync(language, cancellationToken));

    /// <summary>
    /// Records an offline agent's signed bundle (the file <c>Portal.Agent suite --offline --out FILE</c> wrote): 400 when a byte
    /// changed, when no agent here has its key, or when it was uploaded before (each result is recorded once).
    /// </summary>
    public static async Task<Results<Ok<BundleUploadDto>, ValidationProblem, ProblemHttpResult>> UploadBundle(JsonObject bundle, Caller caller,
        BundleService bundles, CancellationToken cancellationToken) =>
        (await bundles.UploadAsync(caller, bundle, cancellationToken)).ToOk();
}
