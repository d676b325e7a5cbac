using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Alliances;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Components;
using Portal.Components.Organizations;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The organisations list against a real database: what a person sees for a given filter.</summary>
public sealed class OrganizationTableTests : DatabaseComponentContext
{
    protected override void AddFeatureServices(IServiceCollection services)
    {
        services.AddScoped<OrganizationService>();
        services.AddScoped<AllianceService>();
    }

    [Fact]
    public async Task Lists_organisations_by_name_with_their_kind_country_and_alliances()
    {
        var stargate = await AddAllianceAsync("Stargate");
        await AddOrganizationAsync("SK hynix", OrganizationKind.MemoryMaker, "KR", stargate);
        await AddOrganizationAsync("Aker", OrganizationKind.Energy, "NO");
        await AddOrganizationAsync("NVIDIA", OrganizationKind.ChipDesigner, "US");

        var table = Render<OrganizationTable>();

        table.WaitForAssertion(() => Assert.Equal(new[] { "Aker", "NVIDIA", "SK hynix" }, Names(table)), TimeSpan.FromSeconds(10));
        var hynix = table.FindAll("[data-testid=org-table] tbody tr")[2].TextContent;
        Assert.Contains("Memory maker", hynix);
        Assert.Contains("South Korea (KR)", hynix);
        Assert.Contains("Stargate", hynix);
    }

    [Fact]
    public async Task Search_narrows_the_list_and_says_so_when_nothing_matches()
    {
        await AddOrganizationAsync("Rebellions", OrganizationKind.ChipDesigner, "KR");
        await AddOrganizationAsync("FuriosaAI", OrganizationKind.ChipDesigner, "KR");
        var table = Render<OrganizationTable>();
        table.WaitForAssertion(() => Assert.Equal(2, Names(table).Count), TimeSpan.FromSeconds(10));

        table.Find("[data-testid=org-search]").Input("furi");
        table.WaitForAssertion(() => Assert.Equal(new[] { "FuriosaAI" }, Names(table)), TimeSpan.FromSeconds(10));
        // The export takes the filter the list shows (the table can show its new rows a moment before the rest re-renders).
        table.WaitForAssertion(() => Assert.Contains("/export/organizations.csv?q=furi", table.Find("a[href*='export']").GetAttribute("href")),
            TimeSpan.FromSeconds(10));

        table.Find("[data-testid=org-search]").Input("no such organisation");
        table.WaitForAssertion(() => Assert.Contains("No organisation matches these filters", table.Find("[data-testid=org-empty]").TextContent),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void An_empty_registry_says_who_adds_the_first_organisation()
    {
        var table = Render<OrganizationTable>();

        table.WaitForAssertion(() => Assert.Contains("No organisations yet", table.Find("[data-testid=org-empty]").TextContent),
            TimeSpan.FromSeconds(10));
    }

    private static List<string> Names(IRenderedComponent<OrganizationTable> table) =>
        table.FindAll("[data-testid=org-table] tbody tr td:first-child a").Select(a => a.TextContent.Trim()).ToList();

    private async Task<Guid> AddAllianceAsync(string name)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var alliance = new Alliance { Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Alliances.Add(alliance);
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync();
        return alliance.Id;
    }

    private async Task AddOrganizationAsync(string name, OrganizationKind kind, string country, params Guid[] alliances)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Organizations.Add(new Organization
        {
            Name = name,
            Kind = kind,
            Country = country,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Alliances = db.Alliances.Where(a => alliances.Contains(a.Id)).ToList(),
        });
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync();
    }
}
