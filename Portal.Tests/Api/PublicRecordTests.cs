using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Skus;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Publishing;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// The public record (DESIGN.md "Public by default, private by choice"): a visitor who is not signed in reads every public
/// page and GET, and finds no trace of anything private there; everything else answers 401; owners and admins still see
/// their private records.
/// </summary>
public sealed class PublicRecordTests(PublicRecordTests.Fixture portal) : IClassFixture<PublicRecordTests.Fixture>
{
    private const string PrivateSourceMarker = "hidden_marker_4711";

    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Vendor { get; private set; }
        public Guid Ministry { get; private set; }
        public Guid PublicSku { get; private set; }
        public Guid HiddenSku { get; private set; }
        public Guid EmbargoedSku { get; private set; }
        public Guid PublicDeployment { get; private set; }
        public Guid PrivateDeployment { get; private set; }
        public Guid PublicTest { get; private set; }
        public Guid PrivateTest { get; private set; }
        public Guid PublicRun { get; private set; }
        public Guid PublicJob { get; private set; }
        public Guid HiddenJob { get; private set; }
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            Vendor = await AddOrganizationAsync("Open Silicon", OrganizationKind.ChipDesigner);
            Ministry = await AddOrganizationAsync("Ministry of Open Data", OrganizationKind.Ministry);
            var stranger = await AddOrganizationAsync("Stranger Works", OrganizationKind.ChipDesigner);
            PublicSku = await this.AddSkuAsync(Vendor, "Open Accelerator X1", configure: SkuFixtures.H200);
            HiddenSku = await this.AddSkuAsync(Vendor, "Hidden Accelerator Z9", configure: s =>
            {
                SkuFixtures.H200(s);
                s.DeviceNamePatterns = ["Hidden Z9"];
                s.Publication = Publication.Private;
            });
            EmbargoedSku = await this.AddSkuAsync(Vendor, "Embargoed Accelerator E7", configure: s =>
            {
                SkuFixtures.H200(s);
                s.DeviceNamePatterns = ["Embargoed E7"];
                s.Publication = Publication.Embargoed;
                s.EmbargoUntil = Time.GetUtcNow().AddDays(30);
            });
            PublicDeployment = await this.AddDeploymentAsync("Open Sovereign Cloud", "KR", Ministry, plannedMw: 40,
                hardware: [(PublicSku, 100, 10), (EmbargoedSku, 50, 0), (HiddenSku, 20, 0)],
                milestones: [(DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddDays(10), "Open milestone", MilestoneStatus.Planned)]);
            PrivateDeployment = await this.AddDeploymentAsync("Secret Datacenter Alpha", "KR", Ministry, plannedMw: 90,
                hardware: [(PublicSku, 700, 0)],
                milestones: [(DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddDays(5), "Secret milestone", MilestoneStatus.Planned)]);
            await WithDbAsync(async db =>
            {
                await db.Deployments.Where(d => d.Id == PrivateDeployment).ExecuteUpdateAsync(u => u.SetProperty(d => d.Publication, Publication.Private));
                return 0;
            });

            var owner = await CreateUserAsync("Vendor engineer", false, (Vendor, MemberRole.Developer));
            VendorMember = await CreateClientForAsync(owner);
            Outsider = await CreateClientForAsync(await CreateUserAsync("Outsider", false, (stranger, MemberRole.Admin)));
            Admin = await CreateClientForAsync(await CreateUserAsync("Consortium Admin", consortiumAdmin: true));

            PublicTest = await this.AddTestAsync("open kernel shared", Vendor, TestVisibility.Consortium, ownerUserId: owner.Id);
            PrivateTest = await this.AddTestAsync("unreleased kernel secret", Vendor, TestVisibility.Private, ownerUserId: owner.Id);
            await WithDbAsync(async db =>
            {
                var test = await db.CompatibilityTests.SingleAsync(t => t.Id == PrivateTest);
                test.Spec = test.Spec with { Source = test.Spec.Source!.Replace("vector_add(", $"vector_add( /* {PrivateSourceMarker} */ ") };
                db.Actor = Portal.Data.Audit.AuditActor.System;
                return await db.SaveChangesAsync();
            });

            // A public test measured on the public SKU and on the hidden one; the private test on the public SKU.
            var jobs = await this.AddRunAsync(PublicTest, owner.Id, (null, PublicSku), (null, HiddenSku));
            await this.CompleteJobAsync(jobs[0], KernelStatus.Passed, Time.GetUtcNow(), PublicSku);
            await this.CompleteJobAsync(jobs[1], KernelStatus.Failed, Time.GetUtcNow(), HiddenSku);
            PublicRun = await WithDbAsync(db => db.Jobs.Where(j => j.Id == jobs[0]).Select(j => j.RunId).SingleAsync());
            (PublicJob, HiddenJob) = (jobs[0], jobs[1]);
            var privateJobs = await this.AddRunAsync(PrivateTest, owner.Id, (null, PublicSku));
            await this.CompleteJobAsync(privateJobs[0], KernelStatus.Passed, Time.GetUtcNow(), PublicSku);
        }

        /// <summary>What must never reach a visitor: names of private records, a private test's source.</summary>
        public IEnumerable<string> PrivateNames =>
        [
            "Hidden Accelerator Z9", "Embargoed Accelerator E7", "Secret Datacenter Alpha", "Secret milestone", "unreleased kernel secret",
            PrivateSourceMarker,
        ];

        /// <summary>The names and the private records' ids (a page or answer may echo only an id the visitor asked for).</summary>
        public IEnumerable<string> PrivateMarks =>
            [.. PrivateNames, HiddenSku.ToString(), EmbargoedSku.ToString(), PrivateDeployment.ToString(), PrivateTest.ToString()];

        /// <summary>A route template's parameters filled with the public records' ids.</summary>
        public string Fill(string template)
        {
            var url = "/" + template.TrimStart('/');
            Guid IdFor(string path) => path switch
            {
                _ when path.Contains("/skus/") => PublicSku,
                _ when path.Contains("/deployments/") => PublicDeployment,
                _ when path.Contains("/organizations/") => Vendor,
                _ when path.Contains("/tests/") => PublicTest,
                _ when path.Contains("/runs/") => PublicRun,
                _ => Guid.NewGuid(),
            };
            url = Regex.Replace(url, @"\{testId(:[a-z]+)?\}", PublicTest.ToString());
            url = Regex.Replace(url, @"\{id(:[a-z]+)?\}", _ => IdFor(url).ToString());
            url = Regex.Replace(url, @"\{[a-zA-Z]+(:[a-z]+)?\}", _ => Guid.NewGuid().ToString());
            return url.Contains("/skus/compare") ? url + $"?ids={PublicSku},{Guid.NewGuid()}" : url;
        }

        public IReadOnlyList<(string Template, bool Open)> ApiGets() =>
            [.. Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1", StringComparison.Ordinal) == true
                            && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
                .Select(e => (e.RoutePattern.RawText!, e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
                .Distinct()];
    }

    private void AssertNothingPrivate(string url, string body, bool namesOnly = false)
    {
        foreach (var mark in namesOnly ? portal.PrivateNames : portal.PrivateMarks)
            Assert.False(body.Contains(mark, StringComparison.OrdinalIgnoreCase), $"{url} shows '{mark}' to an anonymous visitor");
    }

    [Fact]
    public async Task An_anonymous_walk_over_every_public_GET_finds_nothing_private_and_every_other_GET_answers_401()
    {
        var anonymous = portal.CreateAnonymousClient();
        var gets = portal.ApiGets();
        var open = gets.Where(g => g.Open).ToList();
        // The public record as the issue names it: organisations, SKUs, deployments, the matrix, tests and their results.
        Assert.True(open.Count >= 20, $"only {open.Count} public GETs: {string.Join(", ", open.Select(o => o.Template))}");
        foreach (var (template, _) in open)
        {
            var url = portal.Fill(template);
            using var response = await anonymous.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.BadRequest,
                $"{url} answered {(int)response.StatusCode} to an anonymous visitor");
            AssertNothingPrivate(url, await response.Content.ReadAsStringAsync());
        }
        foreach (var (template, _) in gets.Where(g => !g.Open))
        {
            var url = portal.Fill(template);
            using var response = await anonymous.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{url} answered {(int)response.StatusCode} without a token");
        }
    }

    [Fact]
    public async Task A_deployments_figures_count_only_released_hardware_so_no_total_reveals_an_unreleased_chip()
    {
        // 100 units of the public SKU, 50 of the embargoed one and 20 of the hidden one: only the 100 count, for everyone.
        var expected = await portal.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == portal.PublicSku).Select(s => s.Bf16Tflops).SingleAsync());
        foreach (var reader in new[] { portal.CreateAnonymousClient(), portal.VendorMember, portal.Admin })
        {
            var deployment = await reader.GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{portal.PublicDeployment}");
            Assert.Equal(100, deployment.Figures.PlannedAccelerators);
            Assert.Equal(100 * expected!.Value / 1000, deployment.Figures.PeakBf16PflopsPlanned, 6);
        }

        // Released, the embargoed SKU's line counts at once (the SKU's publication refreshes the figures in its transaction).
        await portal.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == portal.EmbargoedSku)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Publication, Publication.Public).SetProperty(s => s.EmbargoUntil, (DateTimeOffset?)null)));
        try
        {
            var released = await portal.CreateAnonymousClient().GetJsonAsync<DeploymentDto>($"/api/v1/deployments/{portal.PublicDeployment}");
            Assert.Equal(150, released.Figures.PlannedAccelerators);
        }
        finally
        {
            await portal.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == portal.EmbargoedSku)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Publication, Publication.Embargoed).SetProperty(s => s.EmbargoUntil, portal.Time.GetUtcNow().AddDays(30))));
        }
    }

    [Fact]
    public async Task A_visitor_reads_the_public_records_themselves_and_gets_404_for_private_ones()
    {
        var anonymous = portal.CreateAnonymousClient();
        var sku = await anonymous.GetJsonAsync<SkuDetail>($"/api/v1/skus/{portal.PublicSku}");
        Assert.Equal("Open Accelerator X1", sku.Name);
        Assert.Equal(["Open Sovereign Cloud"], sku.Deployments.Select(d => d.Name));
        var skus = await anonymous.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus");
        Assert.Equal(["Open Accelerator X1"], skus.Items.Select(s => s.Name));
        var deployment = await anonymous.GetStringAsync($"/api/v1/deployments/{portal.PublicDeployment}");
        Assert.Contains("Open Sovereign Cloud", deployment);
        Assert.Contains("Open Accelerator X1", deployment);
        AssertNothingPrivate("deployment", deployment);
        var test = await anonymous.GetStringAsync($"/api/v1/tests/{portal.PublicTest}");
        Assert.Contains("__kernel", test);

        await anonymous.GetAsync($"/api/v1/skus/{portal.HiddenSku}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/api/v1/skus/{portal.EmbargoedSku}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/api/v1/deployments/{portal.PrivateDeployment}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/api/v1/tests/{portal.PrivateTest}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync($"/api/v1/skus/compare?ids={portal.PublicSku},{portal.HiddenSku}").ExpectAsync(HttpStatusCode.NotFound);
        await anonymous.PostJsonAsync("/api/v1/skus", new { name = "Sneaky" }).ExpectAsync(HttpStatusCode.Unauthorized);
        await anonymous.PutJsonAsync($"/api/v1/skus/{portal.PublicSku}", new { name = "Sneaky" }).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_in_outsider_sees_only_published_records_while_owners_and_admins_see_their_private_ones()
    {
        await portal.Outsider.GetAsync($"/api/v1/skus/{portal.HiddenSku}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.GetAsync($"/api/v1/deployments/{portal.PrivateDeployment}").ExpectAsync(HttpStatusCode.NotFound);
        // Not even a refusal tells an outsider that the private deployment exists: its parts, profile and sources answer 404 too.
        await portal.Outsider.PutJsonAsync($"/api/v1/deployments/{portal.PrivateDeployment}/profile", new { profileSlug = (string?)null })
            .ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.PutJsonAsync($"/api/v1/deployments/{portal.PrivateDeployment}/sources/planned_mw", new { reference = "https://example.org/a" })
            .ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.PostJsonAsync($"/api/v1/deployments/{portal.PrivateDeployment}/milestones", new { date = "2027-01-01", title = "x", status = "planned" })
            .ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.GetAsync($"/api/v1/skus/{portal.HiddenSku}/audit").ExpectAsync(HttpStatusCode.OK);
        AssertNothingPrivate("outsider's SKU list", await portal.Outsider.GetStringAsync("/api/v1/skus"));
        AssertNothingPrivate("outsider's SKU audit", await portal.Outsider.GetStringAsync($"/api/v1/skus/{portal.HiddenSku}/audit"));

        var mine = await portal.VendorMember.GetJsonAsync<SkuDetail>($"/api/v1/skus/{portal.HiddenSku}");
        Assert.Equal(Publication.Private, mine.Publication.State);
        var embargoed = await portal.VendorMember.GetJsonAsync<SkuDetail>($"/api/v1/skus/{portal.EmbargoedSku}");
        Assert.Equal(Publication.Embargoed, embargoed.Publication.State);
        var all = await portal.VendorMember.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus");
        Assert.Equal(3, all.Items.Count);
        await portal.Admin.GetAsync($"/api/v1/deployments/{portal.PrivateDeployment}").ExpectAsync(HttpStatusCode.OK);
        await portal.Admin.GetAsync($"/api/v1/skus/{portal.HiddenSku}").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("unreleased kernel secret", await portal.VendorMember.GetStringAsync($"/api/v1/tests/{portal.PrivateTest}"));
    }

    [Fact]
    public async Task Public_pages_open_without_signing_in_offer_sign_in_to_edit_and_show_nothing_private()
    {
        var anonymous = portal.CreateAnonymousClient();
        string[] pages =
        [
            "/", "/skus", $"/skus/{portal.PublicSku}", $"/skus/compare?ids={portal.PublicSku},{portal.HiddenSku}", "/deployments",
            $"/deployments/{portal.PublicDeployment}", "/organizations", $"/organizations/{portal.Vendor}", "/matrix", "/tests",
            $"/tests/{portal.PublicTest}", $"/runs/{portal.PublicRun}", "/alliances", $"/results/{portal.PublicJob}", $"/results/{portal.HiddenJob}",
            $"/skus/{portal.HiddenSku}", $"/deployments/{portal.PrivateDeployment}", $"/tests/{portal.PrivateTest}",
        ];
        foreach (var url in pages)
        {
            using var response = await anonymous.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}");
            Assert.DoesNotContain("/account/login", response.RequestMessage!.RequestUri!.AbsolutePath);
            // A page of a private record says it found nothing, echoing the id in its address, and nothing else.
            AssertNothingPrivate(url, await response.Content.ReadAsStringAsync(), namesOnly: url.Contains(portal.HiddenJob.ToString()) || url.Contains(portal.HiddenSku.ToString())
                || url.Contains(portal.PrivateDeployment.ToString()) || url.Contains(portal.PrivateTest.ToString()));
        }
        // A cited result opens for anyone who follows the link; one on the hidden SKU does not exist for them.
        Assert.Contains("data-testid=\"result-title\"", await anonymous.GetStringAsync($"/results/{portal.PublicJob}"));
        Assert.Contains("data-testid=\"result-missing\"", await anonymous.GetStringAsync($"/results/{portal.HiddenJob}"));
        var sku = await anonymous.GetStringAsync($"/skus/{portal.PublicSku}");
        Assert.Contains("Open Accelerator X1", sku);
        Assert.Contains("data-testid=\"sign-in-to-edit\"", sku);
        Assert.DoesNotContain("data-testid=\"edit\"", sku);
        // The home page welcomes a visitor with the consortium view and a way in, not a sign-in wall.
        var home = await anonymous.GetStringAsync("/");
        Assert.Contains("data-testid=\"visitor-intro\"", home);
        Assert.Contains("data-testid=\"visitor-sign-in\"", home);

        // Pages that are not public still ask for a sign-in.
        using var operations = await anonymous.GetAsync("/operations");
        Assert.Equal("/account/login", operations.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task An_owners_preview_shows_the_private_sku_as_the_public_will_see_it()
    {
        var preview = await portal.InScopeAsync(async services =>
        {
            var skus = services.GetRequiredService<SkuService>();
            var owner = await services.GetRequiredService<CallerResolver>().ResolveAsync(
                await services.GetRequiredService<Portal.Data.PortalDbContext>().Memberships.Where(m => m.OrganizationId == portal.Vendor)
                    .Select(m => m.UserId).FirstAsync(), CancellationToken.None);
            return (await skus.PreviewPublicAsync(owner, portal.EmbargoedSku, CancellationToken.None),
                await skus.PreviewPublicAsync(null, portal.EmbargoedSku, CancellationToken.None));
        });
        var shown = Assert.IsType<Outcome<SkuDetail>.Success>(preview.Item1).Value;
        Assert.Equal("Embargoed Accelerator E7", shown.Name);
        // Around it, the anonymous rule: the public deployment that plans it is listed, the private one is not.
        Assert.Equal(["Open Sovereign Cloud"], shown.Deployments.Select(d => d.Name));
        Assert.IsType<Outcome<SkuDetail>.NotFound>(preview.Item2);
    }

    [Fact]
    public async Task A_public_preview_of_a_sku_page_shows_none_of_the_owners_private_results_which_the_owners_own_view_shows()
    {
        var owner = await portal.CreateUserWithPasswordAsync("Preview owner", PasswordUsers.Password, (portal.Vendor, MemberRole.Developer));
        using var session = new WebSession(portal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(owner.Email, PasswordUsers.Password)).StatusCode);

        var own = await (await session.GetAsync($"/skus/{portal.PublicSku}")).Content.ReadAsStringAsync();
        var preview = await (await session.GetAsync($"/skus/{portal.PublicSku}?preview=public")).Content.ReadAsStringAsync();

        // The owner's own view counts the private test's verdict on this SKU (its charts and conformance); the preview does not.
        Assert.Contains("unreleased kernel secret", own);
        Assert.Contains("data-testid=\"preview-notice\"", preview);
        AssertNothingPrivate($"/skus/{portal.PublicSku}?preview=public", preview, namesOnly: true);
    }

    /// <summary>
    /// A list's total is remembered per filter for a few seconds (ListTotals), and what a filter matches depends on who reads:
    /// the vendor's count of "Accelerator" includes its private and embargoed SKUs, a visitor's must not, even right after.
    /// Before, the count was remembered by filter alone and a visitor was told the vendor's 3.
    /// </summary>
    [Fact]
    public async Task A_list_total_counted_for_an_owner_is_never_told_to_a_visitor()
    {
        const string path = "/api/v1/skus?q=Accelerator&pageSize=1";
        var owner = await portal.VendorMember.GetAsync(path).ExpectAsync<PagedList<SkuListItem>>(HttpStatusCode.OK);
        var visitor = await portal.CreateAnonymousClient().GetAsync(path).ExpectAsync<PagedList<SkuListItem>>(HttpStatusCode.OK);

        Assert.Equal(3, owner.Total);
        Assert.Equal(1, visitor.Total);
    }
}
