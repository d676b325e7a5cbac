using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 16: 500s showed stack traces and source paths (run.sh defaults to Development). An error answers a trace id and
/// nothing of the exception, in Development too.
/// </summary>
public sealed class ErrorDisclosureTests(ErrorDisclosureTests.FailingPortal portal) : IClassFixture<ErrorDisclosureTests.FailingPortal>
{
    public const string Secret = "secret-detail-4242 at /home/builder/Portal/Secret.cs";

    /// <summary>A Development portal with two paths that throw, one under /api and one a page would be under.</summary>
    public sealed class FailingPortal : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowingPaths>());
        }
    }

    /// <summary>Appended after the portal's own pipeline, so that the portal's error handling is what answers.</summary>
    private sealed class ThrowingPaths : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, inner) => context.Request.Path.StartsWithSegments("/api/v1/test-failure") || context.Request.Path.StartsWithSegments("/test-failure")
                ? throw new InvalidOperationException(Secret)
                : inner(context));
        };
    }

    private static void AssertNothingOfTheException(string body)
    {
        Assert.DoesNotContain("secret-detail-4242", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain("Secret.cs", body);
        Assert.DoesNotContain(" at Portal.", body);
        Assert.DoesNotContain(":line ", body);
    }

    [Fact]
    public async Task An_API_error_is_a_500_problem_with_a_trace_id_and_nothing_of_the_exception()
    {
        using var client = portal.CreateBootstrapClient();
        using var response = await client.GetAsync("/api/v1/test-failure");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", body);
        AssertNothingOfTheException(body);
        using var problem = JsonDocument.Parse(body);
        var traceId = problem.RootElement.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.Equal("Something went wrong on our side.", problem.RootElement.GetProperty("title").GetString());
        Assert.False(problem.RootElement.TryGetProperty("exception", out _));
    }

    [Fact]
    public async Task A_page_error_shows_the_error_page_with_a_request_id_and_nothing_of_the_exception()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync("/test-failure");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertNothingOfTheException(body);
        Assert.Contains("00-", body); // the W3C trace id the error was logged under
    }
}
