using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Organizations;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>POST /api/v1/organizations: what is stored, and what is refused with field-level messages.</summary>
public sealed class OrganizationCreateTests(PortalFactory portal) : IClassFixture<PortalFactory>, IAsyncLifetime
{
    private readonly HttpClient _admin = portal.CreateBootstrapClient();
    private Guid _alliance;

    public async Task InitializeAsync()
    {
        _alliance = await portal.WithDbAsync(async db =>
            await db.Alliances.Where(a => a.Name == "Stargate").Select(a => (Guid?)a.Id).FirstOrDefaultAsync()
            ?? await portal.AddAllianceAsync("Stargate"));
        if (!await portal.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Name == "Samsung Electronics")))
            await portal.AddOrganizationAsync("Samsung Electronics", OrganizationKind.MemoryMaker, "KR");
    }

    public Task DisposeAsync()
    {
        _admin.Dispose();
        return Task.CompletedTask;
    }

    private Task<int> OrganizationCountAsync() => portal.WithDbAsync(db => db.Organizations.CountAsync());

    [Fact]
    public async Task A_valid_organisation_is_created_with_its_fields_cleaned_up()
    {
        var response = await _admin.PostJsonAsync("/api/v1/organizations", new
        {
            name = "  Rebellions  ",
            kind = "chip_designer",
            country = "kr",
            website = "https://rebellions.ai",
            description = "NPUs for inference",
            allianceIds = new[] { _alliance },
        }).ExpectAsync(HttpStatusCode.Created);
        var created = await response.Content.ReadFromJsonAsync<OrganizationDto>(ApiJson.Options);

        Assert.NotNull(created);
        Assert.Equal($"/api/v1/organizations/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("Rebellions", OrganizationKind.ChipDesigner, "KR"), (created.Name, created.Kind, created.Country));
        Assert.Equal(["Stargate"], created.Alliances.Select(a => a.Name));
        var stored = await _admin.GetJsonAsync<OrganizationDto>($"/api/v1/organizations/{created.Id}");
        Assert.Equal(created, stored with { Alliances = created.Alliances });
    }

    [Fact]
    public async Task An_empty_body_is_refused_naming_name_kind_and_country_and_nothing_is_stored()
    {
        var before = await OrganizationCountAsync();

        var problem = await _admin.PostJsonAsync("/api/v1/organizations", new { }).ExpectValidationProblemAsync();

        Assert.Equal(["country", "kind", "name"], problem.Errors.Keys.Order());
        Assert.Equal("Name is required.", Assert.Single(problem.Errors["name"]));
        Assert.Equal(before, await OrganizationCountAsync());
    }

    public static TheoryData<string, object> InvalidFields() => new()
    {
        { "name", new { name = new string('n', 201), kind = "foundry", country = "KR" } },
        { "name", new { name = "   ", kind = "foundry", country = "KR" } },
        { "kind", new { name = "Unknown kind", kind = "bakery", country = "KR" } },
        { "country", new { name = "Unknown country", kind = "foundry", country = "XX" } },
        { "country", new { name = "Three letters", kind = "foundry", country = "KOR" } },
        { "website", new { name = "Not a URL", kind = "foundry", country = "KR", website = "samsung dot com" } },
        { "website", new { name = "Not the web", kind = "foundry", country = "KR", website = "ftp://files.example.com" } },
        { "website", new { name = "No host", kind = "foundry", country = "KR", website = "https://localhostish" } },
        { "description", new { name = "Long story", kind = "foundry", country = "KR", description = new string('d', 4001) } },
        { "allianceIds", new { name = "Unknown alliance", kind = "foundry", country = "KR", allianceIds = new[] { Guid.NewGuid() } } },
        { "name", new { name = "SAMSUNG electronics", kind = "foundry", country = "KR" } },
        { "name", new { name = " samsung ELECTRONICS ", kind = "foundry", country = "KR" } },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_is_refused_by_name_and_nothing_is_stored(string field, object body)
    {
        var before = await OrganizationCountAsync();

        var problem = await _admin.PostJsonAsync("/api/v1/organizations", body).ExpectValidationProblemAsync();

        Assert.Equal([field], problem.Errors.Keys);
        Assert.All(problem.Errors[field], message => Assert.NotEmpty(message));
        Assert.Equal(before, await OrganizationCountAsync());
    }

    [Fact]
    public async Task The_messages_say_what_is_wrong()
    {
        var problem = await _admin.PostJsonAsync("/api/v1/organizations",
            new { name = new string('n', 201), kind = "foundry", country = "XX", website = "samsung" }).ExpectValidationProblemAsync();

        Assert.Equal("Name must be at most 200 characters (it has 201).", problem.Errors["name"].Single());
        Assert.Contains("'XX' is not an ISO 3166-1 alpha-2 country code", problem.Errors["country"].Single());
        Assert.Contains("https://", problem.Errors["website"].Single());
        Assert.Equal(400, problem.Status);
    }

    [Fact]
    public async Task A_name_taken_in_another_case_is_refused_even_when_the_check_races_with_another_writer()
    {
        // Two creates of one new name at once: one wins, the other is told the name is taken.
        var bodies = Enumerable.Range(0, 2).Select(i => new { name = i == 0 ? "Racing Name" : "RACING name", kind = "foundry", country = "KR" });
        var responses = await Task.WhenAll(bodies.Select(b => _admin.PostJsonAsync("/api/v1/organizations", b)));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.BadRequest], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(1, await portal.WithDbAsync(db => db.Organizations.CountAsync(o => o.Name.ToLower() == "racing name")));
    }
}
