using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Api.Sources;
using Portal.Components.Sources;

namespace Portal.Tests.Components;

/// <summary>A published figure shows its source on hover, links a web source, and reads "unsourced" without one.</summary>
public sealed class SourcedFigureTests : BunitContext
{
    private static readonly FigureSourcesDto Sources = new(FigureOwner.Sku, Guid.NewGuid(), SourcedFigures.Sku,
    [
        new("memory_bandwidth_tbs", "https://example.com/sheet.pdf", "https://example.com/sheet.pdf", new DateOnly(2026, 3, 1), "Table 2", DateTimeOffset.UnixEpoch),
        new("tdp_w", "Product brief rev. 3", null, null, null, DateTimeOffset.UnixEpoch),
    ], CanEdit: false);

    public SourcedFigureTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public void A_sourced_figure_names_its_source_and_date_on_hover_and_links_a_web_source() => InEnglish(() =>
    {
        var view = Render<SourcedFigure>(p => p.Add(x => x.Figure, "memory_bandwidth_tbs").Add(x => x.Value, "4.8").Add(x => x.Sources, Sources));

        var figure = view.Find("[data-testid=sourced-figure]");
        Assert.Equal("4.8", figure.TextContent);
        Assert.Equal("Source: https://example.com/sheet.pdf, 3/1/2026. Table 2", figure.GetAttribute("title"));
        Assert.Equal("https://example.com/sheet.pdf", view.Find("a[data-testid=figure-source-link]").GetAttribute("href"));
        Assert.Empty(view.FindAll("[data-testid=unsourced]"));
    });

    [Fact]
    public void A_document_source_has_no_link() => InEnglish(() =>
    {
        var view = Render<SourcedFigure>(p => p.Add(x => x.Figure, "tdp_w").Add(x => x.Value, "700").Add(x => x.Sources, Sources));

        Assert.Equal("Source: Product brief rev. 3.", view.Find("[data-testid=sourced-figure]").GetAttribute("title"));
        Assert.Empty(view.FindAll("[data-testid=figure-source-link]"));
    });

    [Fact]
    public void A_published_figure_without_a_source_reads_unsourced_and_an_unpublished_one_does_not() => InEnglish(() =>
    {
        var unsourced = Render<SourcedFigure>(p => p.Add(x => x.Figure, "bf16_tflops").Add(x => x.Value, "989").Add(x => x.Sources, Sources));
        var unpublished = Render<SourcedFigure>(p => p.Add(x => x.Figure, "fp8_tflops").Add(x => x.Value, "—").Add(x => x.Sources, Sources));
        var loading = Render<SourcedFigure>(p => p.Add(x => x.Figure, "bf16_tflops").Add(x => x.Value, "989").Add(x => x.Sources, null));

        Assert.Equal("unsourced", unsourced.Find("[data-testid=unsourced]").TextContent.Trim());
        Assert.Empty(unpublished.FindAll("[data-testid=unsourced]"));
        Assert.Empty(loading.FindAll("[data-testid=unsourced]"));
    });

    [Fact]
    public void Korean_readers_read_unsourced_in_korean()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("ko-KR");
        try
        {
            var view = Render<SourcedFigure>(p => p.Add(x => x.Figure, "bf16_tflops").Add(x => x.Value, "989").Add(x => x.Sources, Sources));
            Assert.Equal("출처 없음", view.Find("[data-testid=unsourced]").TextContent.Trim());
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    private static void InEnglish(Action test)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en-US");
        try
        {
            test();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
