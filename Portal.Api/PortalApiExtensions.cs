using Portal.Api.Agents.Download;
using Portal.Api.Agents.Bundles;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Accounts;
using Portal.Api.Agents;
using Portal.Api.Alliances;
using Portal.Api.Audit;
using Portal.Api.Charts;
using Portal.Api.Citations;
using Portal.Api.Common;
using Portal.Api.Conformance;
using Portal.Api.Dashboard;
using Portal.Api.Deployments;
using Portal.Api.Home;
using Portal.Api.Jobs;
using Portal.Api.Matrix;
using Portal.Api.Memberships;
using Portal.Api.Operations;
using Portal.Api.Ops;
using Portal.Api.Profiles;
using Portal.Api.Regressions;
using Portal.Api.Organizations;
using Portal.Api.Publishing;
using Portal.Api.Runs;
using Portal.Api.Skus;
using Portal.Api.Subscriptions;
using Portal.Api.Sources;
using Portal.Api.Tests;

namespace Portal.Api;

public static class PortalApiExtensions
{
    public const string ApiPolicy = "Api";
    public const string AgentPolicy = "Agent";

    /// <summary>Application services (shared with the Blazor pages), JSON conventions, token authentication, OpenAPI.</summary>
    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        services.AddScoped<CallerResolver>();
        services.AddSingleton<ListTotals>().AddHostedService<DataChangeListener>();
        services.AddScoped<OrganizationService>();
        services.AddScoped<AllianceService>();
        services.AddScoped<MembershipService>();
        services.AddScoped<ApiTokenService>();
        services.AddSingleton<RecentApiTokens>();
        services.AddScoped<AuditService>();
        services.AddScoped<DashboardService>();
        services.AddScoped<HomeService>();
        services.AddScoped<DeploymentService>().AddScoped<HardwareLineService>().AddScoped<MilestoneService>();
        services.AddScoped<SkuService>();
        services.AddJobQueue();
        services.AddSingleton<AgentTokens>();
        services.AddScoped<AgentService>().AddScoped<RegistrationTokenService>().AddScoped<Agents.Signing.ResultSignatures>()
            .AddScoped<Agents.Bundles.BundleService>()
            .AddSingleton<Agents.Download.AgentDownloads>();
        services.AddScoped<CompatibilityTestService>().AddScoped<RunService>().AddScoped<MatrixService>().AddSubmissionRateLimit();
        services.AddScoped<ConformanceService>();
        services.AddScoped<RegressionService>().AddScoped<ProfileService>();
        services.AddScoped<ChartDataService>();
        services.AddScoped<SavedOpService>();
        services.AddScoped<OperationsService>().AddSingleton<QueueMetrics>();
        services.AddSubscriptions();
        services.AddScoped<FigureSourceService>().AddScoped<CitedResultService>();
        services.AddOptions<EmbargoOptions>().BindConfiguration(EmbargoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EmbargoRelease>().AddHostedService(sp => sp.GetRequiredService<EmbargoRelease>());
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        // A value that does not bind throws, so that BindingFailures answers it as a field-level problem (the default is an empty 400).
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            // Kernel results may hold NaN or infinities (a kernel that writes NaN still gets a verdict).
            options.SerializerOptions.NumberHandling |= JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AgentTokenAuthenticationHandler>(AgentTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser())
            // Agent tokens reach only the agent protocol; people's tokens never do.
            .AddPolicy(AgentPolicy, policy => policy
                .AddAuthenticationSchemes(AgentTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Consortium Portal API";
            document.Info.Description = "Published records (organisations, public SKUs and deployments, consortium tests, their results and the matrix) "
                + "are read without a token; everything else needs 'Authorization: Bearer <token>' (create one under Account → API tokens).";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>Every endpoint under /api/v1, requiring an API token except the public reads (<see cref="PublicRead"/>).</summary>
    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(ApiPolicy)
            .DisableAntiforgery()
            .WithConditionalGets();
        api.MapOrganizationsApi();
        api.MapAlliancesApi();
        api.MapMembershipsApi();
        api.MapApiTokensApi();
        api.MapAuditApi();
        api.MapDashboardApi();
        api.MapHomeApi();
        api.MapDeploymentsApi();
        api.MapSkusApi();
        api.MapAgentsApi();
        api.MapBundlesApi();
        api.MapConformanceApi();
        api.MapRegressionsApi();
        api.MapProfilesApi();
        app.MapAgentRegistration();
        app.MapAgentDownloads();
        app.MapAgentQueueApi(AgentPolicy);
        api.MapTestsApi();
        api.MapRunsApi();
        api.MapMatrixApi();
        api.MapSavedOpsApi();
        api.MapOperationsApi();
        api.MapWebhooksApi();
        app.MapFeeds();
        api.MapFigureSourcesApi();
        api.MapCitedResultsApi();
        return app;
    }
}
