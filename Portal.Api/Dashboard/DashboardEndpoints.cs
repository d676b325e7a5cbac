using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Dashboard;

public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", GetDashboard).WithTags("Dashboard").WithName(nameof(GetDashboard)).OpenToAnonymous();
        return app;
    }

    /// <summary>The consortium view's figures: deployments by status, power by country, accelerator origin, milestones (the
    /// caller's own SKUs and projects are <c>GET /api/v1/home</c>).</summary>
    public static async Task<Ok<DashboardDto>> GetDashboard(Caller? caller, DashboardService dashboard, CancellationToken cancellationToken) =>
        TypedResults.Ok(await dashboard.GetAsync(caller, cancellationToken));
}
