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
        app.MapGet("/dashboard", GetDashboard).WithTags("Dashboard").WithName(nameof(GetDashboard));
        return app;
    }

    /// <summary>The home page's figures: deployments by status, power by country, accelerator origin, milestones, the caller's SKUs.</summary>
    public static async Task<Ok<DashboardDto>> GetDashboard(Caller caller, DashboardService dashboard, CancellationToken cancellationToken) =>
        TypedResults.Ok(await dashboard.GetAsync(caller, cancellationToken));
}
