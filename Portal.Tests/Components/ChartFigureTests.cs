using System.Globalization;
using Plotly.Blazor.Traces;
using Portal.Api.Charts;
using Portal.Api.Matrix;
using Portal.Components.Charts;
using Portal.Data.Compatibility;

namespace Portal.Tests.Components;

/// <summary>The figures drawn from known series: the roofline's roof, the heat map's cells, the timing axis, labels.</summary>
public sealed class ChartFigureTests
{
    private static SkuChartsDto Sku(params OpRateDto[] ops) =>
        new(Guid.NewGuid(), "Chart NPU", 2000, 100_000, null, ops, []);

    [Fact]
    public void The_roof_climbs_with_the_bandwidth_and_flattens_at_the_datasheet_peak()
    {
        var figure = SkuFigures.Roofline(Sku(
            new OpRateDto("vector_add", "f32", false, 800, 60, 2, Guid.NewGuid()),
            new OpRateDto("matmul", "f32", true, 100, 20_000, 1, Guid.NewGuid())))!;

        // Ridge at 100,000 / 2,000 = 50 FLOP/B; the axis runs from a quarter of the lowest intensity (0.075) to 4× the highest (200).
        var roof = (Scatter)figure.Data[0];
        Assert.Equal([0.01875, 50.0, 800.0], roof.X.Cast<double>().Select(x => Math.Round(x, 6)));
        Assert.Equal([37.5, 100_000.0, 100_000.0], roof.Y.Cast<double>().Select(y => Math.Round(y, 6)));
        var points = (Scatter)figure.Data[^1];
        Assert.Equal([0.075, 200.0], points.X.Cast<double>().Select(x => Math.Round(x, 6)));
        Assert.Equal([60.0, 20_000.0], points.Y.Cast<double>());
    }

    [Fact]
    public void Without_the_datasheets_bandwidth_there_is_no_roofline_and_the_page_says_why()
    {
        var sku = new SkuChartsDto(Guid.NewGuid(), "Bare", null, 100_000, null, [new OpRateDto("matmul", "f32", true, 100, 20_000, 1, Guid.NewGuid())], []);

        Assert.Null(SkuFigures.Roofline(sku));
        Assert.NotNull(SkuFigures.RooflineMissing(sku));
        Assert.Null(SkuFigures.Bandwidth(sku));
        Assert.NotNull(SkuFigures.Compute(sku));
    }

    [Fact]
    public void Heat_map_cells_are_coloured_by_verdict_and_a_cell_without_a_result_is_empty()
    {
        var gpu = new MatrixSku(Guid.NewGuid(), "GPU <b>", "V", 2);
        var npu = new MatrixSku(Guid.NewGuid(), "NPU", "V", null);
        MatrixRow Row(string name, params (MatrixSku Sku, string Verdict)[] cells) => new(Guid.NewGuid(), name, "vector_add", "opencl-c",
            TestVisibility.Consortium, null, null, cells.ToDictionary(c => c.Sku.Id, c => new MatrixCell(Guid.NewGuid(), c.Verdict, DateTimeOffset.UnixEpoch, 1, 100, null, true)));
        var matrix = new MatrixDto([Row("a", (gpu, "passed"), (npu, "failed")), Row("b", (gpu, "unsupported"))], [gpu, npu], false);

        var heat = (HeatMap)MatrixFigures.Heatmap(matrix)!.Data.Single();

        Assert.Equal([new object?[] { 2, 0 }, new object?[] { 1, null }], heat.Z.Cast<object?[]>());
        // A name someone typed is shown as typed, never read as markup.
        Assert.Equal(["GPU &lt;b&gt;", "NPU"], heat.X.Cast<string>());
        Assert.Null(MatrixFigures.Heatmap(new MatrixDto([], [gpu], false)));
    }

    [Fact]
    public void A_timing_spread_over_more_than_a_hundredfold_is_drawn_on_a_log_axis()
    {
        JobTimingDto Job(string test, double min, double max) => new(Guid.NewGuid(), test, "vector_add", "GPU", "passed", 20, min, (min + max) / 2, max, max, false);

        var narrow = RunFigures.Timing([Job("a", 1, 2), Job("b", 3, 4)])!;
        var wide = RunFigures.Timing([Job("a", 0.01, 0.02), Job("b", 3, 4)])!;

        Assert.NotEqual(Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log, narrow.Layout.YAxis[0].Type);
        Assert.Equal(Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log, wide.Layout.YAxis[0].Type);
        var median = (Scatter)narrow.Data[0];
        Assert.Equal([0.5, 0.5], median.ErrorY.ArrayMinus.Cast<double>());
        Assert.Equal([0.5, 0.5], median.ErrorY.Array.Cast<double>());
        Assert.Null(RunFigures.Timing([]));
    }

    [Fact]
    public void Domestic_share_names_countries_in_the_readers_language()
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("ko-KR");
            var charts = new DeploymentChartsDto(new DateOnly(2026, 12, 6), [], [], [new DomesticShareDto("KR", 300, 100)]);

            var domestic = (Bar)ProjectFigures.DomesticShare(charts)!.Data[0];

            Assert.Equal(["대한민국"], domestic.Y.Cast<string>());
            Assert.Equal("국내 공급사", domestic.Name);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
