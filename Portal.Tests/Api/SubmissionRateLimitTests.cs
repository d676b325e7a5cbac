using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Tests and runs submitted by one person share a budget per window; past it, 429 with Retry-After and a problem saying how long to wait.</summary>
public sealed class SubmissionRateLimitTests(SubmissionRateLimitTests.Fixture portal) : IClassFixture<SubmissionRateLimitTests.Fixture>
{
    public const int Limit = 3;

    public sealed class Fixture : PortalFactory
    {
        public Guid Lab { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid Test { get; private set; }

        // A window far longer than the class runs, so that no test can see it reset.
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            .. base.Settings,
            new("Portal:Submissions:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Portal:Submissions:WindowSeconds", "3600"),
        ];

        protected override async Task StartedAsync()
        {
            Lab = await AddOrganizationAsync("Busy Lab");
            Gpu = await this.AddSkuAsync(Lab, "Busy GPU");
            Test = await this.AddTestAsync("busy vector_add", Lab, TestVisibility.Consortium);
        }

        public async Task<HttpClient> NewSubmitterAsync() =>
            await CreateClientForAsync(await CreateUserAsync("Submitter", false, (Lab, MemberRole.Developer)));
    }

    [Fact]
    public async Task Past_the_limit_a_submission_gets_429_with_retry_after_and_nothing_is_stored()
    {
        var client = await portal.NewSubmitterAsync();
        for (var i = 0; i < Limit - 1; i++)
            await client.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody($"test {i}")).ExpectAsync(HttpStatusCode.Created);
        // Runs draw on the same budget as tests.
        await client.PostJsonAsync($"/api/v1/tests/{portal.Test}/runs", new { targets = new[] { $"sku:{portal.Gpu}" } })
            .ExpectAsync(HttpStatusCode.Created);
        var tests = await portal.WithDbAsync(db => db.CompatibilityTests.CountAsync());
        var runs = await portal.WithDbAsync(db => db.TestRuns.CountAsync());

        var refused = await client.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("one too many"))
            .ExpectAsync(HttpStatusCode.TooManyRequests);
        await client.PostJsonAsync($"/api/v1/tests/{portal.Test}/runs", new { targets = new[] { $"sku:{portal.Gpu}" } })
            .ExpectAsync(HttpStatusCode.TooManyRequests);

        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 3600);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal(429, problem.Status);
        Assert.Contains($"{(int)retryAfter.Value.TotalSeconds}", problem.Detail);
        Assert.Equal(tests, await portal.WithDbAsync(db => db.CompatibilityTests.CountAsync()));
        Assert.Equal(runs, await portal.WithDbAsync(db => db.TestRuns.CountAsync()));
    }

    [Fact]
    public async Task The_budget_is_per_person_and_reads_are_not_limited()
    {
        var person = await portal.CreateUserAsync("Busy", false, (portal.Lab, MemberRole.Developer));
        var busy = await portal.CreateClientForAsync(person);
        for (var i = 0; i < Limit; i++)
            await busy.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody($"busy {i}")).ExpectAsync(HttpStatusCode.Created);
        await busy.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("busy again")).ExpectAsync(HttpStatusCode.TooManyRequests);

        // Another token of the same person buys nothing; another person has a budget of their own.
        var secondToken = await portal.CreateClientForAsync(person);
        await secondToken.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("busy by another token")).ExpectAsync(HttpStatusCode.TooManyRequests);
        var fresh = await portal.NewSubmitterAsync();
        await fresh.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("fresh")).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < Limit + 2; i++)
            await busy.GetAsync($"/api/v1/tests/{portal.Test}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_pages_draw_on_the_same_budget_as_the_api()
    {
        var person = await portal.CreateUserAsync("Clicker", false, (portal.Lab, MemberRole.Developer));
        var api = await portal.CreateClientForAsync(person);
        for (var i = 0; i < Limit - 1; i++)
            await api.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody($"api {i}")).ExpectAsync(HttpStatusCode.Created);

        // What the "Run on…" dialog calls, as this person: the last submission of the budget, then one too many.
        var caller = new Caller(person.Id, person.DisplayName, false, new Dictionary<Guid, MemberRole> { [portal.Lab] = MemberRole.Developer });
        var input = new RunInput { Targets = [$"sku:{portal.Gpu}"] };
        var (last, tooMany) = await portal.InScopeAsync(async services =>
        {
            var runs = services.GetRequiredService<RunService>();
            return (await runs.SubmitAsync(caller, portal.Test, input, CancellationToken.None),
                await runs.SubmitAsync(caller, portal.Test, input, CancellationToken.None));
        });

        Assert.IsType<Outcome<RunDto>.Success>(last);
        var refused = Assert.IsType<Outcome<RunDto>.TooMany>(tooMany);
        Assert.InRange(refused.RetryAfterSeconds, 1, 3600);
        Assert.Contains($"Try again in {refused.RetryAfterSeconds} seconds", refused.Message);
        await api.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("api again")).ExpectAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task An_invalid_submission_costs_nothing()
    {
        var client = await portal.NewSubmitterAsync();
        for (var i = 0; i < Limit + 2; i++)
            await client.PostJsonAsync("/api/v1/tests", new { name = "", spec = new { } }).ExpectAsync(HttpStatusCode.BadRequest);
        for (var i = 0; i < Limit; i++)
            await client.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody($"valid {i}")).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_refusal_speaks_the_requests_language()
    {
        var client = await portal.NewSubmitterAsync();
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko"));
        for (var i = 0; i < Limit; i++)
            await client.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody($"ko {i}")).ExpectAsync(HttpStatusCode.Created);

        var refused = await client.PostJsonAsync("/api/v1/tests", CompatibilityFixtures.TestBody("ko again")).ExpectAsync(HttpStatusCode.TooManyRequests);

        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal("제출 횟수 초과", problem.Title);
    }
}
