using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Common;
using Portal.Api.Skus;
using Portal.Components;
using Portal.Components.Skus;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The catalogue against a real database: what a person sees for a filter, the export link and the compare selection.</summary>
public sealed class SkuTableTests : DatabaseComponentContext
{
    protected override void AddFeatureServices(IServiceCollection services)
    {
        services.AddScoped<SkuService>();
    }

    [Fact]
    public async Task Lists_skus_with_vendor_and_figures_and_unknown_ones_as_a_dash()
    {
        var nvidia = await AddVendorAsync("NVIDIA", "US");
        await AddSkuAsync(nvidia, "H200 SXM", s => (s.Bf16Tflops, s.TdpW) = (989, 700));
        await AddSkuAsync(nvidia, "B300", s => s.Lifecycle = SkuLifecycle.Announced);

        var table = Render<SkuTable>();

        table.WaitForAssertion(() => Assert.Equal(["B300", "H200 SXM"], Names(table)), TimeSpan.FromSeconds(10));
        var b300 = table.FindAll("[data-testid=sku-table] tbody tr")[0].TextContent;
        Assert.Contains("NVIDIA (US)", b300);
        Assert.Contains("Announced", b300);
        Assert.Contains("—", b300);
        Assert.Contains("989", table.FindAll("[data-testid=sku-table] tbody tr")[1].TextContent);
    }

    [Fact]
    public async Task Search_narrows_the_list_the_export_carries_the_filter_and_an_empty_result_says_what_to_do()
    {
        var furiosa = await AddVendorAsync("FuriosaAI", "KR");
        await AddSkuAsync(furiosa, "RNGD", _ => { });
        await AddSkuAsync(furiosa, "Warboy", _ => { });
        var table = Render<SkuTable>();
        table.WaitForAssertion(() => Assert.Equal(2, Names(table).Count), TimeSpan.FromSeconds(10));

        table.Find("[data-testid=sku-search]").Input("rng");
        table.WaitForAssertion(() => Assert.Equal(["RNGD"], Names(table)), TimeSpan.FromSeconds(10));
        // The table shows its rows before the list around it re-renders the export link, so wait for that too.
        table.WaitForAssertion(() => Assert.Contains("/export/skus.csv?q=rng", table.Find("a[data-testid=export]").GetAttribute("href")),
            TimeSpan.FromSeconds(10));
        // The JSON of the same view is the API's list with the same query.
        Assert.EndsWith("/api/v1/skus?q=rng", table.Find("a[data-testid=view-json]").GetAttribute("href"));

        table.Find("[data-testid=sku-search]").Input("no such sku");
        table.WaitForAssertion(() => Assert.Contains("No SKU matches these filters", table.Find("[data-testid=sku-empty]").TextContent),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_empty_catalogue_says_how_to_add_the_first_sku()
    {
        var table = Render<SkuTable>();
        table.WaitForAssertion(() => Assert.Contains("Register a SKU", table.Find("[data-testid=sku-empty]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Compare_opens_once_two_rows_are_ticked_and_a_fifth_cannot_be()
    {
        var vendor = await AddVendorAsync("Rebellions", "KR");
        var ids = new List<Guid>();
        foreach (var name in new[] { "ATOM", "ATOM Max", "REBEL", "REBEL Quad", "ION" })
            ids.Add(await AddSkuAsync(vendor, name, _ => { }));
        var table = Render<SkuTable>();
        table.WaitForAssertion(() => Assert.Equal(5, Names(table).Count), TimeSpan.FromSeconds(10));

        // Each tick re-renders asynchronously: wait for what it should show rather than reading at once.
        var wait = TimeSpan.FromSeconds(10);
        Tick(table, ids[0]);
        table.WaitForAssertion(() => Assert.True(Compare(table).HasAttribute("disabled") || Compare(table).ClassList.Contains("mud-button-disabled")), wait);
        Tick(table, ids[2]);
        table.WaitForAssertion(() => Assert.EndsWith($"/skus/compare?ids={ids[0]},{ids[2]}", Compare(table).GetAttribute("href")), wait);

        Tick(table, ids[1]);
        table.WaitForAssertion(() => Assert.EndsWith($"{ids[2]},{ids[1]}", Compare(table).GetAttribute("href")), wait);
        Tick(table, ids[3]);
        table.WaitForAssertion(() => Assert.True(Box(table, ids[4]).HasAttribute("disabled")), wait);
    }

    private static AngleSharp.Dom.IElement Compare(IRenderedComponent<SkuTable> table) => table.Find("[data-testid=compare]");

    private static AngleSharp.Dom.IElement Box(IRenderedComponent<SkuTable> table, Guid id)
    {
        var element = table.Find($"[data-testid=select-{id}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    private static void Tick(IRenderedComponent<SkuTable> table, Guid id) => Box(table, id).Change(true);

    private static List<string> Names(IRenderedComponent<SkuTable> table) =>
        table.FindAll("[data-testid=sku-table] tbody tr td:nth-child(2) a").Select(a => a.TextContent.Trim()).ToList();

    private async Task<Guid> AddVendorAsync(string name, string country)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = new Organization
        {
            Name = name, Kind = OrganizationKind.ChipDesigner, Country = country, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Organizations.Add(organization);
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync();
        return organization.Id;
    }

    private async Task<Guid> AddSkuAsync(Guid vendorId, string name, Action<HardwareSku> configure)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var sku = new HardwareSku
        {
            VendorId = vendorId, Name = name, Category = SkuCategory.Npu, Lifecycle = SkuLifecycle.Ga, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        configure(sku);
        db.HardwareSkus.Add(sku);
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync();
        return sku.Id;
    }
}
