using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Portal.Api.Charts;
using Portal.Components.Tests;
using BarMarker = Plotly.Blazor.Traces.BarLib.Marker;
using ScatterLine = Plotly.Blazor.Traces.ScatterLib.Line;
using ScatterMarker = Plotly.Blazor.Traces.ScatterLib.Marker;
using ModeFlag = Plotly.Blazor.Traces.ScatterLib.ModeFlag;
using XType = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum;
using YType = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum;

namespace Portal.Components.Charts;

/// <summary>A SKU's charts: measured rates against the datasheet, its roofline, and pass rate over driver versions.</summary>
public static class SkuFigures
{
    /// <summary>Best GB/s of each memory-bound op, with the datasheet bandwidth as a line; null when there is none.</summary>
    public static Figure? Bandwidth(SkuChartsDto sku)
    {
        var ops = sku.Ops.Where(o => !o.ComputeBound && o.GbPerSecond is not null).ToList();
        if (ops.Count == 0)
            return null;
        var labels = ops.Select(Label).ToList();
        var data = new List<ITrace>
        {
            Measured(labels, ops.Select(o => o.GbPerSecond!.Value).ToList(), ops, sku.DatasheetGbPerSecond),
        };
        if (sku.DatasheetGbPerSecond is { } peak)
            data.Add(Line(labels, peak, Plot.T("DatasheetBandwidth"), Plot.Datasheet));
        return new Figure(data, Plot.Layout(340, Plot.X(Plot.T("AxisOp")), Plot.Y(Plot.T("AxisGbPerSecond"))));
    }

    /// <summary>Best GFLOP/s of each compute-bound op, with the datasheet's BF16 and FP8 peaks as lines; null when there is none.</summary>
    public static Figure? Compute(SkuChartsDto sku)
    {
        var ops = sku.Ops.Where(o => o.ComputeBound && o.GflopPerSecond is not null).ToList();
        if (ops.Count == 0)
            return null;
        var labels = ops.Select(Label).ToList();
        var data = new List<ITrace>
        {
            Measured(labels, ops.Select(o => o.GflopPerSecond!.Value).ToList(), ops, sku.PeakGflopPerSecond),
        };
        if (sku.DatasheetBf16GflopPerSecond is { } bf16)
            data.Add(Line(labels, bf16, Plot.T("DatasheetBf16"), Plot.Datasheet));
        if (sku.DatasheetFp8GflopPerSecond is { } fp8)
            data.Add(Line(labels, fp8, Plot.T("DatasheetFp8"), Plot.Grey));
        return new Figure(data, Plot.Layout(340, Plot.X(Plot.T("AxisOp")), Plot.Y(Plot.T("AxisGflopPerSecond"))));
    }

    /// <summary>Why there is no roofline (a missing datasheet figure, or no point to place), or null when there is one.</summary>
    public static string? RooflineMissing(SkuChartsDto sku) =>
        sku.DatasheetGbPerSecond is null || sku.PeakGflopPerSecond is null ? Plot.T("RooflineNoDatasheet")
        : !sku.Ops.Any(o => o.Intensity is not null) ? Plot.T("RooflineNoPoints")
        : null;

    /// <summary>
    /// The roofline on log-log axes: GFLOP/s = min(peak, bandwidth × intensity) for each datasheet peak, and each measured op
    /// at its intensity. Null when <see cref="RooflineMissing"/> says why.
    /// </summary>
    public static Figure? Roofline(SkuChartsDto sku)
    {
        if (RooflineMissing(sku) is not null)
            return null;
        var bandwidth = sku.DatasheetGbPerSecond!.Value;
        var points = sku.Ops.Where(o => o.Intensity is not null).ToList();
        var ridges = new[] { sku.DatasheetBf16GflopPerSecond, sku.DatasheetFp8GflopPerSecond }.OfType<double>().Select(p => p / bandwidth).ToList();
        var low = Math.Min(points.Min(p => p.Intensity!.Value), ridges.Min()) / 4;
        var high = Math.Max(points.Max(p => p.Intensity!.Value), ridges.Max()) * 4;

        var data = new List<ITrace>();
        if (sku.DatasheetBf16GflopPerSecond is { } bf16)
            data.Add(Roof(bandwidth, bf16, low, high, Plot.T("RoofBf16"), Plot.Datasheet));
        if (sku.DatasheetFp8GflopPerSecond is { } fp8)
            data.Add(Roof(bandwidth, fp8, low, high, Plot.T("RoofFp8"), Plot.Grey));
        data.Add(new Scatter
        {
            Name = Plot.T("RooflineOps"),
            Mode = ModeFlag.Markers | ModeFlag.Text,
            X = [.. points.Select(p => (object)p.Intensity!.Value)],
            Y = [.. points.Select(p => (object)p.GflopPerSecond!.Value)],
            TextArray = [.. points.Select(p => Plot.Safe(p.Op))],
            TextPosition = Plotly.Blazor.Traces.ScatterLib.TextPositionEnum.TopCenter,
            Marker = new ScatterMarker { Color = Plot.Primary, Size = 10 },
            CustomData = [.. points.Select(p => (object)new object[] { Plot.Safe(Label(p)), Plot.Number(p.GbPerSecond!.Value) })],
            HoverTemplate = "%{customdata[0]}<br>%{x:.3g} FLOP/B · %{y:,.4g} GFLOP/s · %{customdata[1]} GB/s<extra></extra>",
        });
        var x = Plot.X(Plot.T("AxisIntensity"));
        x.Type = XType.Log;
        var y = Plot.Y(Plot.T("AxisGflopLog"));
        y.Type = YType.Log;
        return new Figure(data, Plot.Layout(380, x, y));
    }

    /// <summary>Pass rate per driver version, one line per language, drivers in the order they were first seen.</summary>
    public static Figure? Drivers(SkuChartsDto sku)
    {
        if (sku.Drivers.Count == 0)
            return null;
        var order = sku.Drivers.GroupBy(d => d.Driver).OrderBy(g => g.Min(d => d.FirstSeen)).Select(g => DriverLabel(g.Key)).ToList();
        var data = sku.Drivers.GroupBy(d => d.Language).OrderBy(g => g.Key, StringComparer.Ordinal).Select(language => (ITrace)new Scatter
        {
            Name = TestLabels.Language(language.Key),
            Mode = ModeFlag.Lines | ModeFlag.Markers,
            X = [.. language.Select(d => (object)DriverLabel(d.Driver))],
            Y = [.. language.Select(d => (object)Math.Round(d.Rate * 100, 1))],
            Marker = new ScatterMarker { Size = 9 },
            CustomData = [.. language.Select(d => (object)Plot.T("HoverPassRate", d.Passed, d.Tested))],
            HoverTemplate = "%{x}: %{y:.1f} %<br>%{customdata}<extra>%{fullData.name}</extra>",
        }).ToList();
        var x = Plot.X(Plot.T("AxisDriver"));
        x.Type = XType.Category;
        x.CategoryOrder = Plotly.Blazor.LayoutLib.XAxisLib.CategoryOrderEnum.Array;
        x.CategoryArray = [.. order];
        var y = Plot.Y(Plot.T("AxisPassRate"));
        y.Range = [0, 105];
        return new Figure(data, Plot.Layout(320, x, y));
    }

    private static string Label(OpRateDto op) => $"{Plot.Safe(op.Op)} ({op.Dtype})";

    private static string DriverLabel(string driver) => driver.Length == 0 ? Plot.T("DriverUnknown") : Plot.Safe(driver);

    private static Bar Measured(List<string> labels, List<double> values, List<OpRateDto> ops, double? peak) => new()
    {
        Name = Plot.T("Measured"),
        X = [.. labels],
        Y = [.. values.Select(v => (object)v)],
        Marker = new BarMarker { Color = Plot.Primary },
        CustomData = [.. ops.Zip(values, (o, v) => (object)Plot.T("HoverMeasured", Plot.Number(v), o.Results,
            peak is { } p and > 0 ? (v / p).ToString("P0", System.Globalization.CultureInfo.CurrentCulture) : Plot.T("NoDatasheetShare")))],
        HoverTemplate = "%{x}: %{y:,.4g}<br>%{customdata}<extra></extra>",
    };

    private static Scatter Line(List<string> labels, double value, string name, string color) => new()
    {
        Name = name,
        Mode = ModeFlag.Lines,
        X = [.. labels],
        Y = [.. labels.Select(_ => (object)value)],
        Line = new ScatterLine { Color = color, Dash = "dash", Width = 2 },
        HoverTemplate = $"{name}: %{{y:,.4g}}<extra></extra>",
    };

    private static Scatter Roof(double bandwidth, double peak, double low, double high, string name, string color)
    {
        var ridge = peak / bandwidth;
        var xs = new List<double> { low, Math.Clamp(ridge, low, high), high };
        return new Scatter
        {
            Name = name,
            Mode = ModeFlag.Lines,
            X = [.. xs.Select(x => (object)x)],
            Y = [.. xs.Select(x => (object)Math.Min(peak, bandwidth * x))],
            Line = new ScatterLine { Color = color, Width = 2 },
            HoverTemplate = $"{name}<br>%{{x:.3g}} FLOP/B → %{{y:,.4g}} GFLOP/s<extra></extra>",
        };
    }
}
