using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Sources;
using Portal.Components.Sources;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The sources editor on a SKU's edit page: the vendor's people set a figure's source there, one figure at a time.</summary>
public sealed class FigureSourcesEditorTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected override void AddFeatureServices(IServiceCollection services)
    {
        base.AddFeatureServices(services);
        services.AddScoped<FigureSourceService>();
    }

    [Fact]
    public async Task A_vendor_member_saves_a_figures_source_and_a_wrong_web_address_is_named_at_its_field()
    {
        var vendor = await AddOrganizationAsync("Editor Vendor");
        await SignInAsync(vendor, MemberRole.Member);
        var sku = await AddSkuAsync(vendor, "Editor NPU", bandwidthTbs: 2.0);

        var editor = Render<FigureSourcesEditor>(p => p.Add(e => e.Owner, FigureOwner.Sku).Add(e => e.Id, sku));
        editor.WaitForAssertion(() => Assert.Equal(SourcedFigures.Sku.Count, editor.FindAll("[data-testid=figure-source-row]").Count), Wait);

        var row = () => editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs]");
        editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs] input[data-testid=source-reference]").Change("ftp://example.com/sheet");
        editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs] [data-testid=source-save]").Click();
        editor.WaitForAssertion(() => Assert.Contains("absolute http or https URL", row().TextContent), Wait);
        Assert.Equal(0, await InDbAsync(db => db.FigureSources.CountAsync()));

        editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs] input[data-testid=source-reference]").Change("https://example.com/sheet.pdf");
        editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs] [data-testid=source-save]").Click();
        editor.WaitForAssertion(() => Assert.NotNull(editor.Find("[data-testid=figure-source-row][data-figure=memory_bandwidth_tbs] [data-testid=source-remove]")), Wait);
        var stored = await InDbAsync(db => db.FigureSources.SingleAsync());
        Assert.Equal((sku, "memory_bandwidth_tbs", "https://example.com/sheet.pdf"), (stored.SkuId!.Value, stored.Figure, stored.Reference));
    }
}
