using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/organizations: paging, sorting, search and filters over a known set of organisations.</summary>
public sealed class OrganizationListTests(OrganizationListTests.Catalog catalog) : IClassFixture<OrganizationListTests.Catalog>
{
    /// <summary>Seven organisations, created a minute apart and updated in a different order.</summary>
    public sealed class Catalog : PortalFactory
    {
        public Guid Stargate { get; private set; }
        public Guid Chips { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        public static readonly (string Name, OrganizationKind Kind, string Country, string? Website, string? Description)[] Rows =
        [
            ("Samsung Electronics", OrganizationKind.MemoryMaker, "KR", "https://www.samsung.com", "Memory and foundry"),
            ("FuriosaAI", OrganizationKind.ChipDesigner, "KR", "https://furiosa.ai", "Tensor contraction processors"),
            ("TSMC", OrganizationKind.Foundry, "TW", "https://www.tsmc.com", "Leading-edge foundry"),
            ("Ministry of Science and ICT", OrganizationKind.Ministry, "KR", null, "Sovereign AI programme"),
            ("Tenstorrent", OrganizationKind.ChipDesigner, "CA", "https://tenstorrent.com", "RISC-V and 100% open software"),
            ("Rebellions", OrganizationKind.ChipDesigner, "KR", "https://rebellions.ai", null),
            ("Intel Foundry", OrganizationKind.Foundry, "US", "https://www.intel.com", "Foundry services"),
        ];

        protected override async Task StartedAsync()
        {
            Stargate = await AddAllianceAsync("Stargate");
            Chips = await AddAllianceAsync("K-Chips");
            foreach (var row in Rows)
            {
                Time.Advance(TimeSpan.FromMinutes(1));
                Guid[] alliances = row.Kind == OrganizationKind.ChipDesigner ? [Chips] : row.Country == "KR" ? [Stargate] : [];
                await AddOrganizationAsync(row.Name, row.Kind, row.Country, row.Website, row.Description, alliances);
            }
            // Updated order differs from created order: the reverse.
            foreach (var row in Rows.Reverse())
            {
                Time.Advance(TimeSpan.FromMinutes(1));
                await WithDbAsync(async db =>
                {
                    var organization = await db.Organizations.SingleAsync(o => o.Name == row.Name);
                    organization.UpdatedAt = db.Now;
                    db.Actor = AuditActor.System;
                    return await db.SaveChangesAsync();
                });
            }
            Client = CreateBootstrapClient();
        }
    }

    private static readonly string[] ByName = Catalog.Rows.Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();

    private Task<PagedList<OrganizationDto>> ListAsync(string query) =>
        catalog.Client.GetJsonAsync<PagedList<OrganizationDto>>("/api/v1/organizations?" + query);

    private static string[] Names(PagedList<OrganizationDto> page) => page.Items.Select(o => o.Name).ToArray();

    [Fact]
    public async Task Pages_split_the_sorted_list_and_each_reports_the_total()
    {
        var first = await ListAsync("page=1&pageSize=3");
        var second = await ListAsync("page=2&pageSize=3");
        var third = await ListAsync("page=3&pageSize=3");
        var beyond = await ListAsync("page=4&pageSize=3");

        Assert.All([first, second, third, beyond], page => Assert.Equal(7, page.Total));
        Assert.Equal((1, 3), (first.Page, first.PageSize));
        Assert.Equal((3, 3), (third.Page, third.PageSize));
        Assert.Equal(ByName, Names(first).Concat(Names(second)).Concat(Names(third)));
        Assert.Single(third.Items);
        Assert.Empty(beyond.Items);
    }

    [Fact]
    public async Task Without_paging_parameters_the_first_25_are_answered()
    {
        var page = await ListAsync("");

        Assert.Equal((1, 25, 7), (page.Page, page.PageSize, page.Total));
        Assert.Equal(ByName, Names(page));
    }

    [Fact]
    public async Task A_page_of_200_is_allowed()
    {
        var page = await ListAsync("pageSize=200");
        Assert.Equal(200, page.PageSize);
    }

    [Theory]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("sort=size", "sort")]
    [InlineData("sort=--name", "sort")]
    [InlineData("kind=bakery", "kind")]
    [InlineData("kind=ChipDesigner", "kind")]
    [InlineData("country=XX", "country")]
    [InlineData("country=KOR", "country")]
    public async Task A_bad_parameter_is_answered_400_naming_the_field(string query, string field)
    {
        var problem = await catalog.Client.GetAsync("/api/v1/organizations?" + query).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
    }

    // A value that does not bind (an alliance that is not an id, a page that is not a number) is refused
    // before the service runs, so the problem cannot name the field; it is still a problem document.
    [Theory]
    [InlineData("alliance=stargate")]
    [InlineData("page=first")]
    public async Task A_parameter_of_the_wrong_type_is_answered_400_problem(string query)
    {
        var response = await catalog.Client.GetAsync("/api/v1/organizations?" + query).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string[]> Sorts() => new()
    {
        { "name", ByName },
        { "-name", ByName.Reverse().ToArray() },
        { "kind", Catalog.Rows.OrderBy(r => Naming.ToSnakeCase(r.Kind), StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).ToArray() },
        { "-kind", Catalog.Rows.OrderByDescending(r => Naming.ToSnakeCase(r.Kind), StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).ToArray() },
        { "country", Catalog.Rows.OrderBy(r => r.Country, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).ToArray() },
        { "-country", Catalog.Rows.OrderByDescending(r => r.Country, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Name).ToArray() },
        { "created", Catalog.Rows.Select(r => r.Name).ToArray() },
        { "-created", Catalog.Rows.Reverse().Select(r => r.Name).ToArray() },
        { "updated", Catalog.Rows.Reverse().Select(r => r.Name).ToArray() },
        { "-updated", Catalog.Rows.Select(r => r.Name).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task Sorting_orders_by_the_named_column_then_by_name(string sort, string[] expected)
    {
        var page = await ListAsync("sort=" + sort);
        Assert.Equal(expected, Names(page));
    }

    [Theory]
    [InlineData("samsung", new[] { "Samsung Electronics" })]
    [InlineData("FOUNDRY", new[] { "Intel Foundry", "Samsung Electronics", "TSMC" })]
    [InlineData("furiosa.ai", new[] { "FuriosaAI" })]
    [InlineData("%", new[] { "Tenstorrent" })]
    [InlineData("_", new string[0])]
    [InlineData("  tsmc  ", new[] { "TSMC" })]
    [InlineData("nothing like this", new string[0])]
    public async Task Search_matches_name_description_and_website_ignoring_case_and_taking_wildcards_literally(string q, string[] expected)
    {
        var page = await ListAsync("q=" + Uri.EscapeDataString(q));

        Assert.Equal(expected, Names(page));
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task Kind_filter_keeps_that_kind_only()
    {
        var page = await ListAsync("kind=chip_designer");
        Assert.Equal(["FuriosaAI", "Rebellions", "Tenstorrent"], Names(page));
    }

    [Fact]
    public async Task Country_filter_takes_lower_case_codes_too()
    {
        var page = await ListAsync("country=kr");
        Assert.Equal(["FuriosaAI", "Ministry of Science and ICT", "Rebellions", "Samsung Electronics"], Names(page));
    }

    [Fact]
    public async Task Alliance_filter_keeps_that_alliances_members()
    {
        var stargate = await ListAsync($"alliance={catalog.Stargate}");
        var chips = await ListAsync($"alliance={catalog.Chips}");
        var unknown = await ListAsync($"alliance={Guid.NewGuid()}");

        Assert.Equal(["Ministry of Science and ICT", "Samsung Electronics"], Names(stargate));
        Assert.All(stargate.Items, o => Assert.Equal(["Stargate"], o.Alliances.Select(a => a.Name)));
        Assert.Equal(["FuriosaAI", "Rebellions", "Tenstorrent"], Names(chips));
        Assert.Empty(unknown.Items);
    }

    [Fact]
    public async Task Filters_combine_and_the_total_counts_the_filtered_rows()
    {
        var page = await ListAsync($"kind=chip_designer&country=KR&q=furiosa&pageSize=1&alliance={catalog.Chips}");

        Assert.Equal(["FuriosaAI"], Names(page));
        Assert.Equal(1, page.Total);

        var two = await ListAsync("kind=chip_designer&country=KR&pageSize=1&sort=-name");
        Assert.Equal(2, two.Total);
        Assert.Equal(["Rebellions"], Names(two));
    }
}
