using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Publishing;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Publishing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Embargo and release: owners set a SKU's or deployment's state through the API; at the embargo's date the record turns
/// public by itself (EmbargoRelease, on the portal's fake clock) and the audit log says the system did it.
/// </summary>
public sealed class EmbargoReleaseTests(EmbargoReleaseTests.Fixture portal) : IClassFixture<EmbargoReleaseTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Vendor { get; private set; }
        public Guid Ministry { get; private set; }
        public HttpClient Owner { get; private set; } = null!;
        public HttpClient Officer { get; private set; } = null!;

        // The release service looks every second here, so that a test waits for it rather than calling it.
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Portal:Embargo:IntervalSeconds", "1")];

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Embargo Silicon", OrganizationKind.ChipDesigner);
            Ministry = await AddOrganizationAsync("Ministry of Launch Dates", OrganizationKind.Ministry);
            Owner = await CreateClientForAsync(await CreateUserAsync("Launch manager", false, (Vendor, MemberRole.Developer)));
            Officer = await CreateClientForAsync(await CreateUserAsync("Officer", false, (Ministry, MemberRole.Member)));
        }
    }

    /// <summary>Polls until <paramref name="read"/> answers something, for at most 30 s (the release service ticks every second).</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T?>> read, string what) where T : class
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await read() is { } value)
                return value;
            if (limit.IsCancellationRequested)
                throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_embargoed_sku_turns_public_at_its_date_and_the_audit_log_records_the_release()
    {
        var until = portal.Time.GetUtcNow().AddDays(2);
        var created = await portal.Owner.PostJsonAsync("/api/v1/skus", new
        {
            vendorId = portal.Vendor, name = "Launch Day L1", category = "gpu", lifecycle = "announced",
            publication = "embargoed", embargoUntil = until,
        }).ExpectAsync<SkuDetail>(HttpStatusCode.Created);
        Assert.Equal(Publication.Embargoed, created.Publication.State);
        Assert.Equal(until, created.Publication.EmbargoUntil);
        var anonymous = portal.CreateAnonymousClient();
        await anonymous.GetAsync($"/api/v1/skus/{created.Id}").ExpectAsync(HttpStatusCode.NotFound);

        // A day on, still under embargo; past the date, public without anyone doing anything.
        portal.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await portal.Services.GetRequiredService<EmbargoRelease>().ReleaseDueAsync(CancellationToken.None));
        await anonymous.GetAsync($"/api/v1/skus/{created.Id}").ExpectAsync(HttpStatusCode.NotFound);
        portal.Time.Advance(TimeSpan.FromDays(1.5));
        var released = await PollAsync(async () =>
        {
            using var response = await anonymous.GetAsync($"/api/v1/skus/{created.Id}");
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<SkuDetail>(ApiJson.Options) : null;
        }, "the embargoed SKU to turn public");
        Assert.Equal(Publication.Public, released.Publication.State);
        Assert.Null(released.Publication.EmbargoUntil);

        var audit = await portal.Owner.GetJsonAsync<PagedList<AuditEntryDto>>($"/api/v1/skus/{created.Id}/audit");
        var release = Assert.Single(audit.Items, e => e.Changes.Any(c => c.Field == "Publication" && c.After == "public"));
        Assert.Equal("system", release.ActorName);
        Assert.Contains(release.Changes, c => c.Field == "Publication" && c.Before == "embargoed");
    }

    [Fact]
    public async Task A_deployment_and_a_private_test_under_embargo_are_released_too()
    {
        var until = portal.Time.GetUtcNow().AddHours(6);
        var deployment = await portal.Officer.PostJsonAsync("/api/v1/deployments", new
        {
            name = "Embargoed campus", country = "KR", ministryId = portal.Ministry, status = "planned",
            publication = "embargoed", embargoUntil = until,
        }).ExpectAsync<DeploymentDto>(HttpStatusCode.Created);
        Assert.Equal(Publication.Embargoed, deployment.Publication.State);
        var test = await this.ArrangeEmbargoedTestAsync(until);
        var anonymous = portal.CreateAnonymousClient();
        await anonymous.GetAsync($"/api/v1/deployments/{deployment.Id}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/api/v1/tests/{test}").ExpectAsync(HttpStatusCode.NotFound);

        portal.Time.Advance(TimeSpan.FromHours(7));
        await PollAsync(async () =>
        {
            using var response = await anonymous.GetAsync($"/api/v1/deployments/{deployment.Id}");
            return response.StatusCode == HttpStatusCode.OK ? "released" : null;
        }, "the embargoed deployment to turn public");
        await PollAsync(async () =>
        {
            using var response = await anonymous.GetAsync($"/api/v1/tests/{test}");
            return response.StatusCode == HttpStatusCode.OK ? "released" : null;
        }, "the embargoed test to turn public");
        var visibility = await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == test).Select(t => new { t.Visibility, t.EmbargoUntil }).SingleAsync());
        Assert.Equal(TestVisibility.Consortium, visibility.Visibility);
        Assert.Null(visibility.EmbargoUntil);
    }

    /// <summary>A private test put under embargo through the API, as its owner would from the test form.</summary>
    private async Task<Guid> ArrangeEmbargoedTestAsync(DateTimeOffset until)
    {
        var body = CompatibilityFixtures.TestBody("embargoed kernel " + Guid.NewGuid().ToString("N")[..6], "private");
        body["embargoUntil"] = until;
        var created = await portal.Owner.PostJsonAsync("/api/v1/tests", body).ExpectAsync<TestDto>(HttpStatusCode.Created);
        Assert.Equal(TestVisibility.Private, created.Visibility);
        Assert.Equal(until, created.EmbargoUntil);
        return created.Id;
    }

    [Fact]
    public async Task A_tests_embargo_is_only_for_a_private_test_and_only_in_the_future_and_an_update_can_lift_it()
    {
        var body = CompatibilityFixtures.TestBody("embargo rules kernel", "consortium");
        body["embargoUntil"] = portal.Time.GetUtcNow().AddDays(3);
        var problem = await portal.Owner.PostJsonAsync("/api/v1/tests", body).ExpectValidationProblemAsync();
        Assert.Contains("embargoUntil", problem.Errors.Keys);
        body["visibility"] = "private";
        body["embargoUntil"] = portal.Time.GetUtcNow().AddDays(-1);
        problem = await portal.Owner.PostJsonAsync("/api/v1/tests", body).ExpectValidationProblemAsync();
        Assert.Contains("embargoUntil", problem.Errors.Keys);

        var id = await ArrangeEmbargoedTestAsync(portal.Time.GetUtcNow().AddDays(3));
        var current = await portal.Owner.GetJsonAsync<TestDto>($"/api/v1/tests/{id}");
        body = CompatibilityFixtures.TestBody(current.Name, "private");
        body["version"] = current.Version;
        var lifted = await portal.Owner.PutJsonAsync($"/api/v1/tests/{id}", body).ExpectAsync<TestDto>(HttpStatusCode.OK);
        Assert.Null(lifted.EmbargoUntil);
        Assert.Null(await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == id).Select(t => t.EmbargoUntil).SingleAsync()));
    }

    [Fact]
    public async Task An_embargo_needs_a_future_date_and_a_known_state()
    {
        var body = new Dictionary<string, object?>
        {
            ["vendorId"] = portal.Vendor, ["name"] = "Bad embargo", ["category"] = "gpu", ["lifecycle"] = "announced", ["publication"] = "embargoed",
        };
        var problem = await portal.Owner.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Contains("embargoUntil", problem.Errors.Keys);
        body["embargoUntil"] = portal.Time.GetUtcNow().AddDays(-1);
        problem = await portal.Owner.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Contains("embargoUntil", problem.Errors.Keys);
        body["publication"] = "secret";
        problem = await portal.Owner.PostJsonAsync("/api/v1/skus", body).ExpectValidationProblemAsync();
        Assert.Contains("publication", problem.Errors.Keys);
    }
}
