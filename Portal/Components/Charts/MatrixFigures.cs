using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Portal.Api.Matrix;
using Portal.Api.Runs;
using Portal.Components.Runs;
using XType = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum;
using YType = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum;

namespace Portal.Components.Charts;

/// <summary>The matrix as a heat map: tests down, SKUs across, each cell coloured by its latest verdict.</summary>
public static class MatrixFigures
{
    /// <summary>The three colours of a cell (the value plotly maps to a colour): a wrong answer or error, not run, passed.</summary>
    public const int Bad = 0, Other = 1, Good = 2;

    public static int Level(string verdict) => verdict switch
    {
        RunSummary.Passed => Good,
        "unsupported" or "invalid_spec" => Other,
        _ => Bad,
    };

    public static Figure? Heatmap(MatrixDto matrix)
    {
        if (matrix.Tests.Count == 0 || matrix.Skus.Count == 0)
            return null;
        var columns = matrix.Skus.Select(s => Plot.Safe(s.Name)).ToList();
        var rows = Unique(matrix.Tests.Select(t => $"{t.Name} · {t.Language}"));
        var heat = new HeatMap
        {
            X = [.. columns],
            Y = [.. rows],
            Z = [.. matrix.Tests.Select(t => (object)matrix.Skus.Select(s => t.Cells.TryGetValue(s.Id, out var cell) ? (object)Level(cell.Verdict) : null).ToArray())],
            Text = [.. matrix.Tests.Select(t => (object)matrix.Skus.Select(s => t.Cells.TryGetValue(s.Id, out var cell)
                ? RunLabels.Verdict(cell.Verdict) + (cell.GbPerSecond is { } gb ? $" · {Plot.Number(gb, "#,0.#")} GB/s" : "")
                : Plot.T("HeatNone")).ToArray())],
            ZMin = Bad,
            ZMax = Good,
            ColorScale = new object[]
            {
                new object[] { 0, Plot.Failed }, new object[] { 1 / 3.0, Plot.Failed },
                new object[] { 1 / 3.0, Plot.Amber }, new object[] { 2 / 3.0, Plot.Amber },
                new object[] { 2 / 3.0, Plot.Passed }, new object[] { 1, Plot.Passed },
            },
            ShowScale = false,
            XGap = 2,
            YGap = 2,
            HoverTemplate = "%{y}<br>%{x}<br>%{text}<extra></extra>",
        };
        var x = Plot.X(Plot.T("AxisSku"));
        x.Type = XType.Category;
        x.Side = Plotly.Blazor.LayoutLib.XAxisLib.SideEnum.Top;
        var y = Plot.Y(Plot.T("AxisTest"));
        y.Type = YType.Category;
        y.AutoRange = Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed;
        var layout = Plot.Layout(Plot.RowsHeight(rows.Count, 22, 200), x, y, legendBelow: false);
        layout.PlotBgColor = "#eeeeee"; // a cell without a result shows the background: grey, "no result"
        return new Figure([heat], layout);
    }

    private static List<string> Unique(IEnumerable<string> labels)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<string>();
        foreach (var text in labels)
        {
            var label = Plot.Safe(text);
            for (var n = 2; !taken.Add(label); n++)
                label = $"{Plot.Safe(text)} #{n}";
            unique.Add(label);
        }
        return unique;
    }
}
