using System.Globalization;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Portal.Api.Charts;
using Portal.Api.Common;
using BarMarker = Plotly.Blazor.Traces.BarLib.Marker;
using BarOrientation = Plotly.Blazor.Traces.BarLib.OrientationEnum;
using ModeFlag = Plotly.Blazor.Traces.ScatterLib.ModeFlag;
using ScatterLine = Plotly.Blazor.Traces.ScatterLib.Line;
using ScatterMarker = Plotly.Blazor.Traces.ScatterLib.Marker;
using XType = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum;
using YType = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum;

namespace Portal.Components.Charts;

/// <summary>The deployments' charts: a milestone timeline across projects, planned against installed, domestic share.</summary>
public static class ProjectFigures
{
    /// <summary>Each project a row, each milestone a dot coloured by its state (done, planned, overdue), and today's line.</summary>
    public static Figure? Timeline(DeploymentChartsDto charts)
    {
        if (charts.Milestones.Count == 0)
            return null;
        var rows = charts.Milestones.GroupBy(m => m.DeploymentId).ToList();
        var names = Unique(rows.Select(r => (r.Key, r.First().Deployment, r.First().Country)));
        var data = new List<ITrace>
        {
            // One trace for every project's span, broken by nulls between projects.
            new Scatter
            {
                Name = Plot.T("Span"),
                Mode = ModeFlag.Lines,
                X = rows.SelectMany(r => new object?[] { Day(r.Min(m => m.Date)), Day(r.Max(m => m.Date)), null }).Cast<object>().ToList(),
                Y = rows.SelectMany(r => new object?[] { names[r.Key], names[r.Key], null }).Cast<object>().ToList(),
                Line = new ScatterLine { Color = Plot.Grey, Width = 3 },
                ConnectGaps = false,
                HoverInfo = Plotly.Blazor.Traces.ScatterLib.HoverInfoFlag.Skip,
            },
        };
        foreach (var (state, color) in new[] { ("MilestoneDone", Plot.Passed), ("MilestonePlanned", Plot.Secondary), ("MilestoneOverdue", Plot.Failed) })
        {
            var milestones = charts.Milestones.Where(m => StateOf(m) == state).ToList();
            if (milestones.Count == 0)
                continue;
            data.Add(new Scatter
            {
                Name = Plot.T(state),
                Mode = ModeFlag.Markers,
                X = [.. milestones.Select(m => (object)Day(m.Date))],
                Y = [.. milestones.Select(m => (object)names[m.DeploymentId])],
                Marker = new ScatterMarker { Color = color, Size = 11 },
                CustomData = [.. milestones.Select(m => (object)Plot.Safe(m.Title))],
                HoverTemplate = $"%{{y}}<br>%{{x|%Y-%m-%d}} · %{{customdata}}<extra>{Plot.T(state)}</extra>",
            });
        }
        var first = names.Values.First();
        var last = names.Values.Last();
        data.Add(new Scatter
        {
            Name = Plot.T("Today"),
            Mode = ModeFlag.Lines,
            X = [Day(charts.Today), Day(charts.Today)],
            Y = [first, last],
            Line = new ScatterLine { Color = Plot.Failed, Dash = "dot", Width = 2 },
            HoverTemplate = $"{Plot.T("Today")}: %{{x|%Y-%m-%d}}<extra></extra>",
        });
        var x = Plot.X(Plot.T("AxisDate"));
        x.Type = XType.Date;
        x.TickFormat = "%Y-%m"; // numbers read the same in both languages; plotly's month names would be English
        var y = Plot.Y(Plot.T("AxisProject"));
        y.Type = YType.Category;
        y.AutoRange = Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed;
        return new Figure(data, Plot.Layout(Plot.RowsHeight(names.Count, 36), x, y));
    }

    /// <summary>Planned against installed MW per project that states either; null when none does.</summary>
    public static Figure? Power(DeploymentChartsDto charts)
    {
        var projects = charts.Projects.Where(p => p.PlannedMw is not null || p.InstalledMw is not null).ToList();
        if (projects.Count == 0)
            return null;
        var names = Unique(projects.Select(p => (p.Id, p.Name, p.Country)));
        var labels = projects.Select(p => names[p.Id]).ToList();
        ITrace[] data =
        [
            HorizontalBar(Plot.T("PowerPlanned"), labels, projects.Select(p => p.PlannedMw).ToList(), Plot.Grey, "%{x:,.1f} MW"),
            HorizontalBar(Plot.T("PowerInstalled"), labels, projects.Select(p => p.InstalledMw).ToList(), Plot.Primary, "%{x:,.1f} MW"),
        ];
        return Bars(data, labels.Count, Plot.T("AxisMw"));
    }

    /// <summary>Planned against installed accelerator units per project that has any; null when none has.</summary>
    public static Figure? Accelerators(DeploymentChartsDto charts)
    {
        var projects = charts.Projects.Where(p => p.PlannedAccelerators + p.InstalledAccelerators > 0)
            .OrderByDescending(p => p.PlannedAccelerators).ToList();
        if (projects.Count == 0)
            return null;
        var names = Unique(projects.Select(p => (p.Id, p.Name, p.Country)));
        var labels = projects.Select(p => names[p.Id]).ToList();
        ITrace[] data =
        [
            HorizontalBar(Plot.T("UnitsPlanned"), labels, projects.Select(p => (double?)p.PlannedAccelerators).ToList(), Plot.Grey, "%{x:,}"),
            HorizontalBar(Plot.T("UnitsInstalled"), labels, projects.Select(p => (double?)p.InstalledAccelerators).ToList(), Plot.Primary, "%{x:,}"),
        ];
        return Bars(data, labels.Count, Plot.T("AxisUnits"));
    }

    /// <summary>Per country of deployment, planned accelerator units from domestic and foreign vendors, stacked.</summary>
    public static Figure? DomesticShare(DeploymentChartsDto charts)
    {
        if (charts.Countries.Count == 0)
            return null;
        var labels = charts.Countries.Select(c => Plot.Safe(Countries.Display(c.Country))).ToList();
        var shares = charts.Countries.Select(c => (object)Plot.T("HoverShare", Plot.Number(c.Domestic + c.Foreign, "N0"),
            c.Share.ToString("P0", CultureInfo.CurrentCulture))).ToList();
        ITrace[] data =
        [
            Stacked(Plot.T("Domestic"), labels, charts.Countries.Select(c => c.Domestic).ToList(), Plot.Passed, shares),
            Stacked(Plot.T("Foreign"), labels, charts.Countries.Select(c => c.Foreign).ToList(), Plot.Grey, shares),
        ];
        var figure = Bars(data, labels.Count, Plot.T("AxisUnits"), Plot.T("AxisCountry"));
        figure.Layout.BarMode = Plotly.Blazor.LayoutLib.BarModeEnum.Stack;
        return figure;
    }

    private static string StateOf(TimelineMilestoneDto milestone) =>
        milestone.Overdue ? "MilestoneOverdue" : milestone.Status == Portal.Data.Deployments.MilestoneStatus.Done ? "MilestoneDone" : "MilestonePlanned";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// A project's label: its name, and its country in this language (a category axis merges equal labels, so two projects
    /// of one name in one country are told apart by a number).
    /// </summary>
    private static Dictionary<Guid, string> Unique(IEnumerable<(Guid Id, string Name, string Country)> projects)
    {
        var labels = new Dictionary<Guid, string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, name, country) in projects)
        {
            var label = $"{Plot.Safe(name)} ({Plot.Safe(Countries.Display(country))})";
            for (var n = 2; !taken.Add(label); n++)
                label = $"{Plot.Safe(name)} ({Plot.Safe(Countries.Display(country))}) #{n}";
            labels[id] = label;
        }
        return labels;
    }

    private static Bar HorizontalBar(string name, List<string> labels, List<double?> values, string color, string format) => new()
    {
        Name = name,
        Orientation = BarOrientation.H,
        Y = [.. labels],
        X = values.Select(v => (object?)v).Cast<object>().ToList(),
        Marker = new BarMarker { Color = color },
        HoverTemplate = $"%{{y}}<br>{format}<extra>{name}</extra>",
    };

    private static Bar Stacked(string name, List<string> labels, List<long> values, string color, List<object> shares) => new()
    {
        Name = name,
        Orientation = BarOrientation.H,
        Y = [.. labels],
        X = [.. values.Select(v => (object)v)],
        Marker = new BarMarker { Color = color },
        CustomData = shares,
        HoverTemplate = $"%{{y}}<br>{name}: %{{x:,}}<br>%{{customdata}}<extra></extra>",
    };

    private static Figure Bars(IList<ITrace> data, int rows, string valueTitle, string? categoryTitle = null)
    {
        var y = Plot.Y(categoryTitle ?? Plot.T("AxisProject"));
        y.Type = YType.Category;
        y.AutoRange = Plotly.Blazor.LayoutLib.YAxisLib.AutoRangeEnum.Reversed;
        return new Figure(data, Plot.Layout(Plot.RowsHeight(rows, 48), Plot.X(valueTitle), y));
    }
}
