using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Portal.Api.Charts;
using ErrorY = Plotly.Blazor.Traces.ScatterLib.ErrorY;
using ErrorYType = Plotly.Blazor.Traces.ScatterLib.ErrorYLib.TypeEnum;
using ModeFlag = Plotly.Blazor.Traces.ScatterLib.ModeFlag;
using ScatterMarker = Plotly.Blazor.Traces.ScatterLib.Marker;
using SymbolEnum = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum;
using XType = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum;
using YType = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum;

namespace Portal.Components.Charts;

/// <summary>The run page's chart: each job's median device time, with bars from its fastest to its slowest sample.</summary>
public static class RunFigures
{
    /// <summary>Spreads that span more than this factor are drawn on a log axis, so that a fast op is not a flat line.</summary>
    public const double LogAxisFrom = 100;

    public static Figure? Timing(IReadOnlyList<JobTimingDto> jobs)
    {
        if (jobs.Count == 0)
            return null;
        // A suite run has one test per job, a test run one device per job: the label names whichever differs.
        var byTest = jobs.Select(j => j.Test).Distinct().Count() > 1;
        var labels = jobs.Select((j, i) => $"{i + 1}. {Plot.Safe(byTest ? j.Test : j.Device ?? j.Op)}").ToList();
        var median = new Scatter
        {
            Name = Plot.T("TimingMedian"),
            Mode = ModeFlag.Markers,
            X = [.. labels],
            Y = [.. jobs.Select(j => (object)j.MedianMs)],
            Marker = new ScatterMarker { Color = Plot.Primary, Size = 10 },
            ErrorY = new ErrorY
            {
                Type = ErrorYType.Data,
                Symmetric = false,
                Array = [.. jobs.Select(j => (object)(j.MaxMs - j.MedianMs))],
                ArrayMinus = [.. jobs.Select(j => (object)(j.MedianMs - j.MinMs))],
                Color = Plot.Primary,
                Thickness = 2,
                Width = 8,
            },
            CustomData = [.. jobs.Select(j => (object)(Plot.T("HoverTiming", Plot.Number(j.MedianMs, "0.####"), Plot.Number(j.MinMs, "0.####"),
                Plot.Number(j.MaxMs, "0.####"), j.Iterations) + (j.Suspect ? " · " + Plot.T("TimingSuspect") : "")))],
            HoverTemplate = "%{x}<br>%{customdata}<extra></extra>",
        };
        var p90 = new Scatter
        {
            Name = Plot.T("TimingP90"),
            Mode = ModeFlag.Markers,
            X = [.. labels],
            Y = [.. jobs.Select(j => (object)j.P90Ms)],
            Marker = new ScatterMarker { Color = Plot.Amber, Size = 9, Symbol = SymbolEnum.LineEwOpen },
            HoverTemplate = "%{x}<br>p90 %{y:.4g} ms<extra></extra>",
        };
        var fastest = jobs.Min(j => j.MinMs);
        var logScale = fastest > 0 && jobs.Max(j => j.MaxMs) / fastest > LogAxisFrom;
        var x = Plot.X(Plot.T("AxisJob"));
        x.Type = XType.Category;
        var y = Plot.Y(Plot.T(logScale ? "AxisMsLog" : "AxisMs"));
        if (logScale)
            y.Type = YType.Log;
        else
            y.RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero;
        return new Figure([median, p90], Plot.Layout(320, x, y));
    }
}
