using System.Net;
using System.Text.Json;
using Portal.Api.Common;
using Portal.Api.Skus;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/skus, /{id} and /compare: paging, sorting, search and filters over a known catalogue.</summary>
public sealed class SkuListTests(SkuListTests.Catalogue catalogue) : IClassFixture<SkuListTests.Catalogue>
{
    /// <summary>Six SKUs from four vendors in three countries; some figures unknown on purpose.</summary>
    public sealed class Catalogue : PortalFactory
    {
        public Guid Nvidia { get; private set; }
        public Guid Samsung { get; private set; }
        public Guid H200 { get; private set; }
        public Guid H100 { get; private set; }
        public Guid Rngd { get; private set; }
        public Guid Hbm { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            Nvidia = await AddOrganizationAsync("NVIDIA", OrganizationKind.ChipDesigner, "US");
            Samsung = await AddOrganizationAsync("Samsung Electronics", OrganizationKind.MemoryMaker, "KR");
            var furiosa = await AddOrganizationAsync("FuriosaAI", OrganizationKind.ChipDesigner, "KR");
            var tenstorrent = await AddOrganizationAsync("Tenstorrent", OrganizationKind.ChipDesigner, "CA");

            H200 = await this.AddSkuAsync(Nvidia, "H200 SXM", configure: SkuFixtures.H200);
            H100 = await this.AddSkuAsync(Nvidia, "H100 SXM", configure: s =>
            {
                SkuFixtures.H200(s);
                (s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs, s.ReleaseMonth) = (80, "HBM3", 3.35, new DateOnly(2022, 9, 1));
                s.Lifecycle = SkuLifecycle.Eol;
            });
            Rngd = await this.AddSkuAsync(furiosa, "RNGD", SkuCategory.Npu, s =>
            {
                (s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs, s.Bf16Tflops, s.TdpW) = (48, "HBM3", 1.5, 256, 180);
                s.Languages = ["opencl-c"];
                s.ReleaseMonth = new DateOnly(2024, 8, 1);
            });
            Hbm = await this.AddSkuAsync(Samsung, "HBM3E 12H", SkuCategory.Memory, s =>
            {
                (s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs) = (36, "HBM3E", 1.2);
                s.Lifecycle = SkuLifecycle.Sampling;
            });
            await this.AddSkuAsync(tenstorrent, "Wormhole n300", SkuCategory.Asic, s =>
            {
                (s.Bf16Tflops, s.TdpW) = (466, 300);
                s.Languages = ["triton"];
                s.Lifecycle = SkuLifecycle.Announced;
            });
            await this.AddSkuAsync(Samsung, "Mach-1", SkuCategory.Asic, s => s.Lifecycle = SkuLifecycle.Announced);
            await this.AddDeploymentUsingAsync(H200, "Gwangju AI Center", "KR", DeploymentStatus.Operational, 1000, 400);
            await this.AddDeploymentUsingAsync(H200, "Bavaria Sovereign Cloud", "DE", DeploymentStatus.Planned, 512, 0);
            Client = CreateBootstrapClient();
        }
    }

    private Task<PagedList<SkuListItem>> ListAsync(string query) =>
        catalogue.Client.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus?" + query);

    private static string[] Names(PagedList<SkuListItem> page) => page.Items.Select(s => s.Name).ToArray();

    [Fact]
    public async Task Pages_split_the_catalogue_sorted_by_name_and_each_reports_the_total()
    {
        var first = await ListAsync("page=1&pageSize=4");
        var second = await ListAsync("page=2&pageSize=4");

        Assert.Equal((6, 6), (first.Total, second.Total));
        Assert.Equal(["H100 SXM", "H200 SXM", "HBM3E 12H", "Mach-1", "RNGD", "Wormhole n300"], Names(first).Concat(Names(second)));
        Assert.Equal(2, second.Items.Count);
    }

    [Fact]
    public async Task A_row_carries_the_vendor_and_the_figures_with_unknown_ones_null()
    {
        var page = await ListAsync("q=mach");
        var mach = Assert.Single(page.Items);

        Assert.Equal(("Samsung Electronics", "KR", SkuCategory.Asic, SkuLifecycle.Announced), (mach.VendorName, mach.VendorCountry, mach.Category, mach.Lifecycle));
        Assert.Null(mach.Bf16Tflops);
        Assert.Null(mach.MemoryGb);
        Assert.Null(mach.TdpW);
        Assert.Null(mach.ReleaseMonth);
        var h200 = Assert.Single((await ListAsync("q=h200")).Items);
        Assert.Equal(("2024-03", 989.0, 4.8), (h200.ReleaseMonth, h200.Bf16Tflops!.Value, h200.MemoryBandwidthTbs!.Value));
    }

    [Theory]
    [InlineData("sort=-bf16Tflops", "H100 SXM,H200 SXM,Wormhole n300,RNGD,HBM3E 12H,Mach-1")]
    [InlineData("sort=bf16Tflops", "RNGD,Wormhole n300,H100 SXM,H200 SXM,HBM3E 12H,Mach-1")]
    [InlineData("sort=-memoryBandwidthTbs", "H200 SXM,H100 SXM,RNGD,HBM3E 12H,Mach-1,Wormhole n300")]
    [InlineData("sort=tdpW", "RNGD,Wormhole n300,H100 SXM,H200 SXM,HBM3E 12H,Mach-1")]
    [InlineData("sort=-releaseMonth", "RNGD,H200 SXM,H100 SXM,HBM3E 12H,Mach-1,Wormhole n300")]
    [InlineData("sort=lifecycle", "Mach-1,Wormhole n300,HBM3E 12H,H200 SXM,RNGD,H100 SXM")]
    [InlineData("sort=-vendor", "Wormhole n300,HBM3E 12H,Mach-1,H100 SXM,H200 SXM,RNGD")]
    [InlineData("sort=category", "Mach-1,Wormhole n300,H100 SXM,H200 SXM,HBM3E 12H,RNGD")]
    [InlineData("sort=-name", "Wormhole n300,RNGD,Mach-1,HBM3E 12H,H200 SXM,H100 SXM")]
    public async Task Sorts_by_each_key_with_unknown_figures_last_either_way(string query, string expected)
    {
        Assert.Equal(expected.Split(','), Names(await ListAsync(query)));
    }

    [Theory]
    [InlineData("q=hbm3e", "H200 SXM,HBM3E 12H")]
    [InlineData("q=SAMSUNG", "HBM3E 12H,Mach-1")]
    [InlineData("q=n300", "Wormhole n300")]
    [InlineData("q=100%25", "")]
    [InlineData("category=npu", "RNGD")]
    [InlineData("lifecycle=announced", "Mach-1,Wormhole n300")]
    [InlineData("country=kr", "HBM3E 12H,Mach-1,RNGD")]
    [InlineData("language=triton", "H100 SXM,H200 SXM,Wormhole n300")]
    [InlineData("language=opencl-c&country=KR", "RNGD")]
    [InlineData("category=gpu&lifecycle=ga&q=sxm", "H200 SXM")]
    public async Task Search_and_filters_narrow_the_list_and_the_total(string query, string expected)
    {
        var page = await ListAsync(query);
        var names = expected.Length == 0 ? [] : expected.Split(',');
        Assert.Equal(names, Names(page));
        Assert.Equal(names.Length, page.Total);
    }

    [Fact]
    public async Task Filters_by_vendor_id()
    {
        Assert.Equal(["H100 SXM", "H200 SXM"], Names(await ListAsync($"vendor={catalogue.Nvidia}")));
        Assert.Empty((await ListAsync($"vendor={Guid.NewGuid()}")).Items);
    }

    [Theory]
    [InlineData("category=fpga", "category")]
    [InlineData("lifecycle=retired", "lifecycle")]
    [InlineData("country=XX", "country")]
    [InlineData("language=cuda", "language")]
    [InlineData("sort=price", "sort")]
    [InlineData("pageSize=500", "pageSize")]
    [InlineData("page=0", "page")]
    public async Task A_bad_filter_value_is_a_400_naming_its_field(string query, string field)
    {
        var problem = await catalogue.Client.GetAsync("/api/v1/skus?" + query).ExpectValidationProblemAsync();
        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task Anonymous_callers_read_the_public_catalogue()
    {
        using var anonymous = catalogue.CreateAnonymousClient();
        await anonymous.GetAsync("/api/v1/skus").ExpectAsync(HttpStatusCode.OK);
        await anonymous.GetAsync($"/api/v1/skus/{catalogue.H200}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Detail_lists_the_deployments_using_the_sku()
    {
        var h200 = await catalogue.Client.GetJsonAsync<SkuDetail>($"/api/v1/skus/{catalogue.H200}");

        Assert.Equal(["NVIDIA H200"], h200.DeviceNamePatterns);
        Assert.Collection(h200.Deployments,
            d => Assert.Equal(("Bavaria Sovereign Cloud", "DE", DeploymentStatus.Planned, 512, 0), (d.Name, d.Country, d.Status, d.PlannedUnits, d.InstalledUnits)),
            d => Assert.Equal(("Gwangju AI Center", "KR", DeploymentStatus.Operational, 1000, 400), (d.Name, d.Country, d.Status, d.PlannedUnits, d.InstalledUnits)));
        Assert.Empty((await catalogue.Client.GetJsonAsync<SkuDetail>($"/api/v1/skus/{catalogue.Rngd}")).Deployments);
    }

    [Fact]
    public async Task Detail_of_an_unknown_sku_is_404()
    {
        await catalogue.Client.GetAsync($"/api/v1/skus/{Guid.NewGuid()}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Compare_answers_the_skus_in_the_order_asked()
    {
        var skus = await catalogue.Client.GetJsonAsync<List<SkuDetail>>($"/api/v1/skus/compare?ids={catalogue.Rngd},{catalogue.H200},{catalogue.H100}");
        Assert.Equal(["RNGD", "H200 SXM", "H100 SXM"], skus.Select(s => s.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("one")]
    [InlineData("five")]
    [InlineData("not-a-guid")]
    public async Task Compare_needs_two_to_four_ids(string which)
    {
        var ids = which switch
        {
            "one" => $"{catalogue.H200}",
            "five" => string.Join(',', Enumerable.Range(0, 5).Select(_ => Guid.NewGuid())),
            "not-a-guid" => $"{catalogue.H200},h100",
            _ => "",
        };
        var problem = await catalogue.Client.GetAsync("/api/v1/skus/compare?ids=" + ids).ExpectValidationProblemAsync();
        Assert.Equal(["ids"], problem.Errors.Keys);
    }

    [Fact]
    public async Task Compare_with_an_unknown_id_is_404()
    {
        await catalogue.Client.GetAsync($"/api/v1/skus/compare?ids={catalogue.H200},{Guid.NewGuid()}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_sku_endpoint()
    {
        using var client = catalogue.CreateAnonymousClient();
        var response = await client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, operations) in new[]
                 {
                     ("/api/v1/skus", "get post"), ("/api/v1/skus/{id}", "delete get put"), ("/api/v1/skus/export.csv", "get"),
                     ("/api/v1/skus/compare", "get"), ("/api/v1/skus/{id}/audit", "get"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document.");
            Assert.Equal(operations, string.Join(' ', item.EnumerateObject().Select(o => o.Name).Where(n => n is "get" or "post" or "put" or "delete").Order()));
        }
    }

    [Fact]
    public async Task The_web_export_is_open_to_visitors_like_the_catalogue()
    {
        using var client = catalogue.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var export = await client.GetAsync("/export/skus.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
    }
}
