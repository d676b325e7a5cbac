using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Home;

public static class HomeEndpoints
{
    public static IEndpointRouteBuilder MapHomeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/home", GetHome).WithTags("Home").WithName(nameof(GetHome));
        return app;
    }

    /// <summary>The caller's home: a ministry officer's projects, a partner's SKUs, a developer's tests and runs, what waits for a consortium admin.</summary>
    public static async Task<Ok<HomeDto>> GetHome(Caller caller, HomeService home, CancellationToken cancellationToken) =>
        TypedResults.Ok(await home.GetAsync(caller, cancellationToken));
}
