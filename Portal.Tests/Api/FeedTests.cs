using System.Net;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Subscriptions;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Publishing;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The Atom feeds of a SKU, a deployment and an organisation: valid RFC 4287 (the required elements of feed and entries),
/// holding the changes the detector recorded, never a private test's name or verdict; read with no credentials at all, as a
/// feed reader does; and each page advertises its feed.
/// </summary>
public sealed class FeedTests(FeedTests.Registry registry) : IClassFixture<FeedTests.Registry>
{
    public sealed class Registry : PortalFactory
    {
        public Guid Vendor { get; private set; }
        public Guid Ministry { get; private set; }
        public Guid Sku { get; private set; }
        public Guid HiddenSku { get; private set; }
        public Guid Deployment { get; private set; }
        public string OpenTest { get; private set; } = "";
        public string SecretTest { get; private set; } = "";
        public HttpClient Reader { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            var now = Time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            Vendor = await AddOrganizationAsync("Feed Chips", OrganizationKind.ChipDesigner, "KR");
            var rival = await AddOrganizationAsync("Feed Rival", OrganizationKind.ChipDesigner, "US");
            Ministry = await AddOrganizationAsync("Feed Ministry", OrganizationKind.Ministry, "KR");
            Sku = await this.AddSkuAsync(Vendor, "Feed NPU-1", SkuCategory.Npu);
            HiddenSku = await this.AddSkuAsync(Vendor, "Feed Unreleased NPU-2", SkuCategory.Npu, configure: s => s.Publication = Publication.Private);
            Deployment = await this.AddDeploymentAsync("Feed Datacenter", ministryId: Ministry, hardware: [(Sku, 100, 0)],
                milestones: [(today.AddDays(-3), "Power on", MilestoneStatus.Planned), (today.AddDays(30), "Acceptance", MilestoneStatus.Planned)]);

            var open = await this.AddTestAsync("feed open kernel", null, TestVisibility.Consortium);
            var secret = await this.AddTestAsync("feed secret kernel", rival, TestVisibility.Private);
            OpenTest = "feed open kernel";
            SecretTest = "feed secret kernel";
            foreach (var test in new[] { open, secret })
            {
                await CompletedAsync(test, Sku, KernelStatus.Passed, now - TimeSpan.FromMinutes(3), "1.0");
                await CompletedAsync(test, Sku, KernelStatus.Failed, now - TimeSpan.FromMinutes(2), "2.0");
            }
            // The unreleased SKU regresses on the open test too: the change is recorded, and told to nobody outside its vendor.
            await CompletedAsync(open, HiddenSku, KernelStatus.Passed, now - TimeSpan.FromMinutes(3), "1.0");
            await CompletedAsync(open, HiddenSku, KernelStatus.Failed, now - TimeSpan.FromMinutes(2), "2.0");
            await Services.GetRequiredService<ChangeDetector>().DetectOnceAsync(CancellationToken.None);

            Reader = CreateAnonymousClient();
        }

        private async Task CompletedAsync(Guid test, Guid sku, KernelStatus verdict, DateTimeOffset at, string driver)
        {
            var job = (await this.AddRunAsync(test, null, (null, sku)))[0];
            await this.CompleteJobAsync(job, verdict, at, sku);
            await this.UpdateJobAsync(job, j => j.DriverVersion = driver);
        }
    }

    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>Reads a feed and checks what RFC 4287 requires of it: feed id, title, updated and an author; each entry's id, title, updated and link.</summary>
    private async Task<XElement> FeedAsync(string path)
    {
        using var response = await registry.Reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        foreach (var required in new[] { "id", "title", "updated" })
            Assert.False(string.IsNullOrWhiteSpace(Assert.Single(feed.Elements(Atom + required)).Value), $"feed {required}");
        Assert.True(Uri.IsWellFormedUriString(feed.Element(Atom + "id")!.Value, UriKind.Absolute));
        Assert.NotNull(feed.Element(Atom + "author")?.Element(Atom + "name"));
        Assert.EndsWith(path, feed.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self").Attribute("href")!.Value);
        DateTimeOffset.Parse(feed.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var ids = new HashSet<string>();
        foreach (var entry in feed.Elements(Atom + "entry"))
        {
            foreach (var required in new[] { "id", "title", "updated" })
                Assert.False(string.IsNullOrWhiteSpace(Assert.Single(entry.Elements(Atom + required)).Value), $"entry {required}");
            Assert.True(ids.Add(entry.Element(Atom + "id")!.Value), "entry ids are unique");
            Assert.True(Uri.IsWellFormedUriString(entry.Element(Atom + "link")?.Attribute("href")?.Value, UriKind.Absolute));
        }
        return feed;
    }

    private static List<string> Titles(XElement feed) => [.. feed.Elements(Atom + "entry").Select(e => e.Element(Atom + "title")!.Value)];

    [Fact]
    public async Task A_skus_feed_lists_its_regression_and_never_a_private_tests()
    {
        var feed = await FeedAsync(FeedPaths.Sku(registry.Sku));
        var regression = Assert.Single(Titles(feed), t => t.Contains("Regression", StringComparison.Ordinal));
        Assert.Contains(registry.OpenTest, regression);
        Assert.Contains("Feed NPU-1", regression);
        Assert.DoesNotContain(registry.SecretTest, feed.ToString());
    }

    [Fact]
    public async Task A_deployments_feed_lists_its_slipped_milestone_and_its_hardwares_regression()
    {
        var feed = await FeedAsync(FeedPaths.Deployment(registry.Deployment));
        var titles = Titles(feed);
        Assert.Contains(titles, t => t.Contains("Power on", StringComparison.Ordinal) && t.Contains("slipped", StringComparison.Ordinal));
        Assert.DoesNotContain(titles, t => t.Contains("Acceptance", StringComparison.Ordinal));
        Assert.Contains(titles, t => t.Contains(registry.OpenTest, StringComparison.Ordinal));
        Assert.DoesNotContain(registry.SecretTest, feed.ToString());
    }

    [Fact]
    public async Task An_organisations_feed_holds_its_skus_and_its_ministrys_deployments()
    {
        var vendor = Titles(await FeedAsync(FeedPaths.Organization(registry.Vendor)));
        Assert.Contains(vendor, t => t.Contains(registry.OpenTest, StringComparison.Ordinal));
        Assert.DoesNotContain(vendor, t => t.Contains(registry.SecretTest, StringComparison.Ordinal));
        var ministry = Titles(await FeedAsync(FeedPaths.Organization(registry.Ministry)));
        Assert.Contains(ministry, t => t.Contains("Power on", StringComparison.Ordinal));
        Assert.DoesNotContain(ministry, t => t.Contains(registry.OpenTest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_feed_is_in_the_readers_language()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FeedPaths.Deployment(registry.Deployment));
        request.Headers.AcceptLanguage.ParseAdd("ko");
        using var response = await registry.Reader.SendAsync(request);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("ko", feed.Attribute(XNamespace.Xml + "lang")?.Value[..2]);
        Assert.Contains(Titles(feed), t => t.Contains("지연", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreleased_skus_feed_is_not_found_and_its_regression_is_in_no_other_feed()
    {
        using var response = await registry.Reader.GetAsync(FeedPaths.Sku(registry.HiddenSku));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        foreach (var path in new[] { FeedPaths.Organization(registry.Vendor), FeedPaths.Deployment(registry.Deployment), FeedPaths.Sku(registry.Sku) })
            Assert.DoesNotContain("Feed Unreleased NPU-2", (await FeedAsync(path)).ToString());
    }

    [Fact]
    public async Task An_unknown_subject_has_no_feed()
    {
        using var response = await registry.Reader.GetAsync(FeedPaths.Sku(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("skus")]
    [InlineData("deployments")]
    [InlineData("organizations")]
    public async Task Each_public_page_advertises_its_feed_in_the_head(string area)
    {
        var id = area switch { "skus" => registry.Sku, "deployments" => registry.Deployment, _ => registry.Vendor };
        using var response = await registry.Reader.GetAsync($"/{area}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        // Attribute values come HTML-encoded ("atom&#x2B;xml"); decoded, they read as a browser reads them.
        var head = WebUtility.HtmlDecode(html[..html.IndexOf("</head>", StringComparison.Ordinal)]);
        var pattern = $"<link rel=\"alternate\" type=\"application/atom\\+xml\"[^>]*href=\"/feeds/{area}/{id}\\.atom\"";
        Assert.Matches(pattern, head);
    }
}
