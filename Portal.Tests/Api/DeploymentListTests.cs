using System.Net;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/deployments (+ export.csv, sites): paging, sorting, search and filters over known deployments.</summary>
public sealed class DeploymentListTests(DeploymentListTests.Catalog catalog) : IClassFixture<DeploymentListTests.Catalog>
{
    /// <summary>Five deployments in three countries, with known power, hardware and participants.</summary>
    public sealed class Catalog : DeploymentPortal
    {
        public Guid Uae { get; private set; }
        public Guid G42 { get; private set; }
        public HttpClient Client => OtherMember;

        protected override async Task StartedAsync()
        {
            await base.StartedAsync();
            Uae = await AddOrganizationAsync("UAE Ministry of AI", OrganizationKind.Ministry, "AE");
            G42 = await AddOrganizationAsync("G42", OrganizationKind.DatacenterOperator, "AE");
            var nscale = await AddOrganizationAsync("Nscale", OrganizationKind.DatacenterOperator, "GB");

            await this.AddDeploymentAsync("Stargate Korea - Pohang", "KR", Ministry, DeploymentStatus.Planned, plannedMw: 20, site: "Pohang",
                region: "Gyeongsangbuk-do", at: (36.02, 129.34), energySources: ["grid"],
                participants: [(Operator, ParticipantRole.Operator)], hardware: [(KoreanNpu, 100, 0)]);
            await this.AddDeploymentAsync("National AI Computing Center", "KR", Ministry, DeploymentStatus.UnderConstruction, site: "Solaseado, Haenam",
                region: "Jeollanam-do", at: (34.68, 126.47), energySources: ["grid", "solar"],
                participants: [(Operator, ParticipantRole.Operator), (Supplier, ParticipantRole.Supplier)], hardware: [(AmericanGpu, 15000, 0), (KoreanNpu, 1000, 0)]);
            await this.AddDeploymentAsync("Stargate UAE", "AE", Uae, DeploymentStatus.Operational, plannedMw: 1000, installedMw: 200, site: "Abu Dhabi",
                at: (24.45, 54.38), energySources: ["nuclear", "gas", "solar"], participants: [(G42, ParticipantRole.Operator)], hardware: [(AmericanGpu, 5000, 2000)]);
            await this.AddDeploymentAsync("Stargate Norway", "NO", null, DeploymentStatus.Announced, plannedMw: 230, site: "Kvandal",
                energySources: ["hydro"], participants: [(nscale, ParticipantRole.Operator)]);
            await this.AddDeploymentAsync("Jeonnam Solar AI", "KR", null, DeploymentStatus.Cancelled, plannedMw: 50, installedMw: 0,
                region: "Jeollanam-do", energySources: ["solar"]);
        }
    }

    private Task<PagedList<DeploymentListItem>> ListAsync(string query) =>
        catalog.Client.GetJsonAsync<PagedList<DeploymentListItem>>("/api/v1/deployments?" + query);

    private async Task<string[]> NamesAsync(string query) => (await ListAsync(query)).Items.Select(d => d.Name).ToArray();

    [Fact]
    public async Task Pages_split_the_list_sorted_by_name_and_each_reports_the_total()
    {
        var first = await ListAsync("pageSize=2");
        var third = await ListAsync("pageSize=2&page=3");

        Assert.Equal((5, 1, 2), (first.Total, first.Page, first.PageSize));
        Assert.Equal(["Jeonnam Solar AI", "National AI Computing Center"], first.Items.Select(d => d.Name));
        Assert.Equal(["Stargate UAE"], third.Items.Select(d => d.Name));
    }

    [Theory]
    [InlineData("sort=plannedMw", "Stargate Korea - Pohang,Jeonnam Solar AI,Stargate Norway,Stargate UAE,National AI Computing Center")]
    [InlineData("sort=-plannedMw", "Stargate UAE,Stargate Norway,Jeonnam Solar AI,Stargate Korea - Pohang,National AI Computing Center")]
    [InlineData("sort=status", "Stargate Norway,Stargate Korea - Pohang,National AI Computing Center,Stargate UAE,Jeonnam Solar AI")]
    [InlineData("sort=-plannedAccelerators", "National AI Computing Center,Stargate UAE,Stargate Korea - Pohang,Jeonnam Solar AI,Stargate Norway")]
    [InlineData("sort=-installedAccelerators", "Stargate UAE,Jeonnam Solar AI,National AI Computing Center,Stargate Korea - Pohang,Stargate Norway")]
    [InlineData("sort=country", "Stargate UAE,Jeonnam Solar AI,National AI Computing Center,Stargate Korea - Pohang,Stargate Norway")]
    [InlineData("sort=-name", "Stargate UAE,Stargate Norway,Stargate Korea - Pohang,National AI Computing Center,Jeonnam Solar AI")]
    public async Task Sorting_orders_by_the_named_column_with_unknown_power_last(string query, string expected)
    {
        Assert.Equal(expected.Split(','), await NamesAsync(query));
    }

    [Theory]
    [InlineData("q=haenam", "National AI Computing Center")]
    [InlineData("q=jeollanam", "Jeonnam Solar AI,National AI Computing Center")]
    [InlineData("q=STARGATE%20k", "Stargate Korea - Pohang")]
    [InlineData("q=100%25", "")]
    [InlineData("country=kr", "Jeonnam Solar AI,National AI Computing Center,Stargate Korea - Pohang")]
    [InlineData("status=under_construction", "National AI Computing Center")]
    [InlineData("energySource=solar", "Jeonnam Solar AI,National AI Computing Center,Stargate UAE")]
    [InlineData("energySource=solar&country=AE", "Stargate UAE")]
    public async Task Search_and_filters_narrow_the_list(string query, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await NamesAsync(query));
    }

    [Fact]
    public async Task Ministry_and_participant_filters_find_the_organisations_deployments()
    {
        Assert.Equal(["National AI Computing Center", "Stargate Korea - Pohang"], await NamesAsync($"ministry={catalog.Ministry}"));
        Assert.Equal(["National AI Computing Center"], await NamesAsync($"participant={catalog.Supplier}"));
        Assert.Equal(["Stargate UAE"], await NamesAsync($"participant={catalog.G42}"));
    }

    [Fact]
    public async Task Each_item_summarises_its_figures()
    {
        var center = Assert.Single((await ListAsync("q=National")).Items);

        Assert.Equal((16000L, 34006.0), (center.Figures.PlannedAccelerators, center.Figures.PeakBf16PflopsPlanned));
        Assert.Equal(1000.0 / 16000, center.Figures.DomesticShare!.Value, 6);
        Assert.Equal(("Ministry of Science and ICT", DeploymentStatus.UnderConstruction), (center.Ministry?.Name, center.Status));
    }

    [Theory]
    [InlineData("pageSize=500", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("sort=budget", "sort")]
    [InlineData("country=KOR", "country")]
    [InlineData("status=dreaming", "status")]
    [InlineData("energySource=coal", "energySource")]
    public async Task A_bad_parameter_is_answered_400_naming_the_field(string query, string field)
    {
        var problem = await catalog.Client.GetAsync("/api/v1/deployments?" + query).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task Anonymous_callers_read_the_public_list_and_its_export()
    {
        await catalog.Anonymous.GetAsync("/api/v1/deployments").ExpectAsync(HttpStatusCode.OK);
        await catalog.Anonymous.GetAsync("/api/v1/deployments/export.csv").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_csv_export_takes_the_same_filters_and_order()
    {
        var response = await catalog.Client.GetAsync("/api/v1/deployments/export.csv?country=KR&sort=-plannedMw").ExpectAsync(HttpStatusCode.OK);
        var rows = Csv.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["id", "name", "country"], rows[0][..3]);
        Assert.Equal(["Jeonnam Solar AI", "Stargate Korea - Pohang", "National AI Computing Center"], rows.Skip(1).Select(r => r[1]));
        var center = rows.Single(r => r[1] == "National AI Computing Center");
        var header = rows[0].ToList();
        Assert.Equal(("under_construction", "grid; solar", "16000", ""),
            (center[header.IndexOf("status")], center[header.IndexOf("energy_sources")], center[header.IndexOf("planned_accelerators")], center[header.IndexOf("planned_mw")]));
        await catalog.Client.GetAsync("/api/v1/deployments/export.csv?status=nope").ExpectValidationProblemAsync();
    }

    [Fact]
    public async Task The_map_gets_the_sites_with_coordinates_under_the_same_filters()
    {
        var all = await catalog.Client.GetJsonAsync<List<DeploymentSite>>("/api/v1/deployments/sites");
        var korean = await catalog.Client.GetJsonAsync<List<DeploymentSite>>("/api/v1/deployments/sites?country=KR");

        Assert.Equal(["National AI Computing Center", "Stargate Korea - Pohang", "Stargate UAE"], all.Select(s => s.Name));
        Assert.Equal([(36.02, 129.34)], korean.Where(s => s.Name.Contains("Pohang")).Select(s => (s.Latitude, s.Longitude)));
        Assert.Equal(2, korean.Count);
    }
}
