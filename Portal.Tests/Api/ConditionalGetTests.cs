using System.Net;
using System.Net.Http.Headers;
using Portal.Api.Common;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The API's GETs answer with an ETag and a Cache-Control, and with 304 to an If-None-Match that names the current body; a
/// signed-in caller's answer is private, so no cache hands it to someone else, and another caller's ETag never gets a 304.
/// </summary>
public sealed class ConditionalGetTests(ConditionalGetTests.Fixture portal) : IClassFixture<ConditionalGetTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Vendor { get; private set; }
        public Guid Sku { get; private set; }
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient Stranger { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Etag Vendor", OrganizationKind.ChipDesigner, "KR");
            var other = await AddOrganizationAsync("Etag Stranger Org", OrganizationKind.ChipDesigner, "US");
            Sku = await this.AddSkuAsync(Vendor, "Etag GPU", SkuCategory.Gpu);
            var agent = await this.AddAgentAsync(Vendor, "etag-agent");
            var device = await this.AddDeviceAsync(agent, "Etag GPU 80GB", Sku, "opencl-c");
            // A private test with a verdict: its owner's matrix shows it, a stranger's does not.
            var secret = await this.AddTestAsync("Etag private kernel", Vendor, TestVisibility.Private);
            var job = (await this.AddRunAsync(secret, null, (device, null))).Single();
            await this.CompleteJobAsync(job, KernelStatus.Passed, Time.GetUtcNow(), Sku, agentId: agent, agentOrganizationId: Vendor, deviceId: device);
            VendorMember = await CreateClientForAsync(await CreateUserAsync("Etag Member", false, (Vendor, MemberRole.Member)));
            Stranger = await CreateClientForAsync(await CreateUserAsync("Etag Stranger", false, (other, MemberRole.Member)));
        }
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string url, EntityTagHeaderValue? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null)
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_get_sends_an_etag_and_a_private_revalidated_cache_control()
    {
        var response = await GetAsync(portal.VendorMember, $"/api/v1/skus/{portal.Sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.NotNull(response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.True(response.Headers.CacheControl?.Private);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.False(response.Headers.CacheControl?.Public);
        Assert.Contains("Authorization", response.Headers.Vary);
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Equal(ConditionalGets.ETagOf(await response.Content.ReadAsByteArrayAsync()), response.Headers.ETag.Tag);
    }

    [Fact]
    public async Task An_anonymous_get_is_publicly_cacheable_for_a_minute_and_answered_304_with_its_etag()
    {
        var anonymous = portal.CreateAnonymousClient();
        var first = await GetAsync(anonymous, $"/api/v1/skus/{portal.Sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.True(first.Headers.CacheControl?.Public);
        Assert.False(first.Headers.CacheControl?.Private);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.CacheControl?.MaxAge);
        Assert.Contains("Cookie", first.Headers.Vary);
        var again = await GetAsync(anonymous, $"/api/v1/skus/{portal.Sku}", first.Headers.ETag).ExpectAsync(HttpStatusCode.NotModified);
        Assert.True(again.Headers.CacheControl?.Public);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());

        // The owner's view of the matrix holds the private test's verdict: never the visitor's tag, never public.
        var visitorMatrix = await GetAsync(anonymous, "/api/v1/matrix").ExpectAsync(HttpStatusCode.OK);
        var ownerMatrix = await GetAsync(portal.VendorMember, "/api/v1/matrix", visitorMatrix.Headers.ETag).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(visitorMatrix.Headers.ETag, ownerMatrix.Headers.ETag);
        Assert.True(ownerMatrix.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task The_same_get_with_its_etag_is_answered_304_without_a_body()
    {
        var first = await GetAsync(portal.VendorMember, $"/api/v1/skus/{portal.Sku}").ExpectAsync(HttpStatusCode.OK);

        var again = await GetAsync(portal.VendorMember, $"/api/v1/skus/{portal.Sku}", first.Headers.ETag).ExpectAsync(HttpStatusCode.NotModified);

        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.True(again.Headers.CacheControl?.Private);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        // A weak form of the same tag matches too (If-None-Match compares weakly).
        await GetAsync(portal.VendorMember, $"/api/v1/skus/{portal.Sku}", new EntityTagHeaderValue(first.Headers.ETag!.Tag, isWeak: true))
            .ExpectAsync(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task After_an_edit_the_old_etag_gets_the_new_body_with_a_new_etag()
    {
        var url = $"/api/v1/skus/{portal.Sku}/sources";
        var before = await GetAsync(portal.VendorMember, url).ExpectAsync(HttpStatusCode.OK);
        await portal.VendorMember.PutJsonAsync($"{url}/tdp_w", new { reference = "Etag product brief" }).ExpectAsync(HttpStatusCode.OK);

        var after = await GetAsync(portal.VendorMember, url, before.Headers.ETag).ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Contains("Etag product brief", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_callers_etag_never_gets_a_304_when_their_view_differs()
    {
        const string url = "/api/v1/matrix?language=opencl-c";
        var owner = await GetAsync(portal.VendorMember, url).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("Etag private kernel", await owner.Content.ReadAsStringAsync());

        var stranger = await GetAsync(portal.Stranger, url, owner.Headers.ETag).ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(owner.Headers.ETag, stranger.Headers.ETag);
        Assert.DoesNotContain("Etag private kernel", await stranger.Content.ReadAsStringAsync());
        Assert.True(stranger.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task Errors_and_streamed_exports_pass_through_without_an_etag()
    {
        var missing = await GetAsync(portal.VendorMember, $"/api/v1/skus/{Guid.NewGuid()}").ExpectAsync(HttpStatusCode.NotFound);
        var csv = await GetAsync(portal.VendorMember, "/api/v1/skus/export.csv").ExpectAsync(HttpStatusCode.OK);

        Assert.Null(missing.Headers.ETag);
        Assert.Null(csv.Headers.ETag);
        Assert.Contains("Etag GPU", await csv.Content.ReadAsStringAsync());
    }
}
