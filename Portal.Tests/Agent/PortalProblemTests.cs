using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portal.Contracts.Queue;

namespace Portal.Tests.Agent;

/// <summary>How the agent and the command line read the portal's refusals, and which of them are worth a retry.</summary>
public sealed class PortalProblemTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType = "application/problem+json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType), ReasonPhrase = status.ToString() };

    [Fact]
    public async Task A_validation_problem_keeps_its_detail_and_every_fields_messages()
    {
        using var response = Answer(HttpStatusCode.BadRequest, """
            { "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "Some fields are invalid.", "status": 400,
              "detail": "The spec is invalid.",
              "errors": { "spec.launch.global": ["global[0]: unknown name 'm'"], "name": ["Name is required.", "Name is too short."] } }
            """);

        var problem = await PortalProblem.ReadAsync(response, _time, CancellationToken.None);

        Assert.Equal(400, problem.Status);
        Assert.Equal("Some fields are invalid.", problem.Title);
        Assert.Equal("The spec is invalid.", problem.Detail);
        Assert.Equal(["Name is required.", "Name is too short."], problem.Errors["name"]);
        Assert.False(problem.IsTransient);
        Assert.Equal("HTTP 400: The spec is invalid. [spec.launch.global: global[0]: unknown name 'm'] [name: Name is required. Name is too short.]",
            problem.Describe());
    }

    [Fact]
    public async Task Too_many_requests_is_transient_and_carries_its_retry_after_as_seconds_or_as_a_date()
    {
        using var seconds = Answer(HttpStatusCode.TooManyRequests, """{ "title": "Too many requests.", "status": 429 }""");
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(17));
        using var date = Answer(HttpStatusCode.ServiceUnavailable, "");
        date.Headers.RetryAfter = new RetryConditionHeaderValue(_time.GetUtcNow().AddMinutes(2));

        var slowDown = await PortalProblem.ReadAsync(seconds, _time, CancellationToken.None);
        var later = await PortalProblem.ReadAsync(date, _time, CancellationToken.None);

        Assert.True(slowDown.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(17), slowDown.RetryAfter);
        Assert.Equal("HTTP 429: Too many requests. (retry after 17 s)", slowDown.Describe());
        Assert.True(later.IsTransient);
        Assert.Equal(TimeSpan.FromMinutes(2), later.RetryAfter);
    }

    [Fact]
    public async Task A_proxys_html_error_page_is_kept_short_as_the_detail()
    {
        using var response = Answer(HttpStatusCode.BadGateway, "<html><body>" + new string('x', 500) + "</body></html>", "text/html");

        var problem = await PortalProblem.ReadAsync(response, _time, CancellationToken.None);

        Assert.True(problem.IsTransient);
        Assert.StartsWith("<html><body>xxx", problem.Detail);
        Assert.True(problem.Detail!.Length <= 201);
    }

    [Fact]
    public void Network_failures_timeouts_and_server_errors_are_retried_while_refusals_are_not()
    {
        static PortalProblemException Refused(int status) => new(new PortalProblem(status, "t", null, new Dictionary<string, string[]>()));

        Assert.True(PortalConnection.IsTransient(new HttpRequestException("Connection refused")));
        Assert.True(PortalConnection.IsTransient(new TimeoutException()));
        Assert.True(PortalConnection.IsTransient(Refused(503)));
        Assert.False(PortalConnection.IsTransient(Refused(409)));
        Assert.False(PortalConnection.IsTransient(new JsonException()));
        Assert.True(PortalConnection.IsTokenRefused(Refused(401)));
        Assert.False(PortalConnection.IsTokenRefused(Refused(403)));
        Assert.False(PortalConnection.IsPortalFailure(new InvalidOperationException()));
    }
}
