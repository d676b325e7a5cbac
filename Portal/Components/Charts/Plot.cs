using System.Globalization;
using System.Net;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Portal.Api.Common;
using PlotLayout = Plotly.Blazor.Layout;
using XTitle = Plotly.Blazor.LayoutLib.XAxisLib.Title;
using YTitle = Plotly.Blazor.LayoutLib.YAxisLib.Title;

namespace Portal.Components.Charts;

/// <summary>One chart: its traces and its layout, ready for <see cref="PlotlyFigure"/>.</summary>
public sealed record Figure(IList<ITrace> Data, PlotLayout Layout);

/// <summary>What every chart of the portal shares: fonts, colours, margins, axis titles, and text made safe for plotly.</summary>
public static class Plot
{
    public const string Primary = "#594ae2";
    public const string Secondary = "#1e88e5";
    public const string Passed = "#2e7d32";
    public const string Failed = "#c62828";
    public const string Amber = "#f9a825";
    public const string Grey = "#9e9e9e";
    public const string Datasheet = "#424242";

    public static string T(string key) => Localized<ChartText>.Get(key);

    public static string T(string key, params object?[] args) => Localized<ChartText>.Format(key, args);

    /// <summary>
    /// Plotly reads a few HTML tags in labels and hover texts (&lt;b&gt;, &lt;a href&gt;): names people typed are encoded, so
    /// they show as typed and never become markup.
    /// </summary>
    public static string Safe(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A number as this culture writes it, for hover texts built on the server.</summary>
    public static string Number(double value, string format = "#,0.###") => value.ToString(format, CultureInfo.CurrentCulture);

    public static PlotLayout Layout(decimal height, XAxis xAxis, YAxis yAxis, bool legendBelow = true) => new()
    {
        Height = height,
        AutoSize = true,
        Font = new Font { Family = "Roboto, 'Noto Sans KR', 'Malgun Gothic', sans-serif", Size = 12 },
        Margin = new Margin { T = 16, R = 16, B = 8, L = 8 },
        HoverMode = HoverModeEnum.Closest,
        Legend = legendBelow ? [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.25m }] : null,
        XAxis = [xAxis],
        YAxis = [yAxis],
        PaperBgColor = "rgba(0,0,0,0)",
        PlotBgColor = "rgba(0,0,0,0)",
    };

    public static XAxis X(string title) => new() { Title = new XTitle { Text = title }, AutoMargin = Plotly.Blazor.LayoutLib.XAxisLib.AutoMarginFlag.True };

    public static YAxis Y(string title) => new() { Title = new YTitle { Text = title }, AutoMargin = Plotly.Blazor.LayoutLib.YAxisLib.AutoMarginFlag.True };

    /// <summary>Rows of a horizontal chart: enough height for each label, within a page.</summary>
    public static decimal RowsHeight(int rows, int perRow = 28, int chrome = 140, int max = 4000) => Math.Min(max, chrome + perRow * Math.Max(rows, 1));
}
