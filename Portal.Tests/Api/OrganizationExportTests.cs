using System.Net;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/organizations/export.csv: the current filter as a spreadsheet can open it, without running formulas.</summary>
public sealed class OrganizationExportTests(PortalFactory portal) : IClassFixture<PortalFactory>, IAsyncLifetime
{
    private static readonly string[] Header =
        ["id", "name", "kind", "country", "website", "alliances", "members", "created_at", "updated_at", "description"];

    public async Task InitializeAsync()
    {
        if (await portal.WithDbAsync(db => Task.FromResult(db.Organizations.Any())))
            return;
        var stargate = await portal.AddAllianceAsync("Stargate");
        var chips = await portal.AddAllianceAsync("K-Chips");
        await portal.AddOrganizationAsync("TSMC", OrganizationKind.Foundry, "TW", "https://www.tsmc.com", "Leading-edge, \"N2\" node", stargate, chips);
        await portal.AddOrganizationAsync("Intel Foundry", OrganizationKind.Foundry, "US", description: "line one\nline two");
        await portal.AddOrganizationAsync("=HYPERLINK(\"http://evil.example\",\"click\")", OrganizationKind.Research, "DE",
            description: "+SUM(A1:A9)");
        await portal.AddOrganizationAsync("@evil", OrganizationKind.Research, "DE", description: "-2+3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpResponseMessage Response, List<string[]> Rows)> ExportAsync(string query)
    {
        using var client = portal.CreateBootstrapClient();
        var response = await client.GetAsync("/api/v1/organizations/export.csv?" + query).ExpectAsync(HttpStatusCode.OK);
        return (response, Csv.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_export_has_a_header_and_one_row_per_organisation_of_the_filter()
    {
        // Paging is for screens: the export holds every row of the filter.
        var (response, rows) = await ExportAsync("kind=foundry&pageSize=1");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("organizations.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(Header, rows[0]);
        Assert.Equal(["Intel Foundry", "TSMC"], rows.Skip(1).Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal(Header.Length, r.Length));
        var tsmc = rows[2];
        Assert.Equal(("foundry", "TW", "https://www.tsmc.com", "K-Chips; Stargate", "0"), (tsmc[2], tsmc[3], tsmc[4], tsmc[5], tsmc[6]));
        Assert.Equal("Leading-edge, \"N2\" node", tsmc[9]);
        Assert.Equal("line one\nline two", rows[1][9]);
    }

    [Fact]
    public async Task The_export_follows_the_requested_order()
    {
        var (_, rows) = await ExportAsync("kind=foundry&sort=-name");
        Assert.Equal(["TSMC", "Intel Foundry"], rows.Skip(1).Select(r => r[1]));
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_as_formulas_are_defused()
    {
        var (_, rows) = await ExportAsync("kind=research&sort=name");

        Assert.Equal(
            [("'=HYPERLINK(\"http://evil.example\",\"click\")", "'+SUM(A1:A9)"), ("'@evil", "'-2+3")],
            rows.Skip(1).Select(r => (r[1], r[9])).OrderBy(c => c.Item1, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_export_with_a_bad_filter_is_refused_naming_the_field()
    {
        using var client = portal.CreateBootstrapClient();
        var problem = await client.GetAsync("/api/v1/organizations/export.csv?country=Korea").ExpectValidationProblemAsync();
        Assert.Equal(["country"], problem.Errors.Keys);
    }

    [Fact]
    public async Task The_export_is_public_but_a_bad_token_is_refused()
    {
        using var client = portal.CreateAnonymousClient();
        await client.GetAsync("/api/v1/organizations/export.csv").ExpectAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer cpt_thisisnotatokenthatexistsanywhere000000");
        await client.GetAsync("/api/v1/organizations/export.csv").ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
