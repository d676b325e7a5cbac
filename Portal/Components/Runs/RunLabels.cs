using System.Globalization;
using Portal.Api.Common;
using Portal.Api.Runs;
using Portal.Data;
using Portal.Data.Jobs;

namespace Portal.Components.Runs;

/// <summary>How verdicts and states read, and which colour each gets: green passed, red a wrong answer, amber software trouble.</summary>
public static class RunLabels
{
    public static string Verdict(string verdict) => Localized<RunPageText>.Find("Verdict." + verdict) ?? verdict;

    public static string Status(JobStatus status) => Localized<RunPageText>.Get("JobStatus." + Naming.ToSnakeCase(status));

    public static string Status(RunStatus status) => Localized<RunPageText>.Get("RunStatus." + Naming.ToSnakeCase(status));

    public static MudBlazor.Color Color(string? verdict) => verdict switch
    {
        RunSummary.Passed => MudBlazor.Color.Success,
        "failed" or RunSummary.Error => MudBlazor.Color.Error,
        "crashed" or "runtime_error" or "timeout" or "compile_error" or "invalid_spec" or RunSummary.Expired => MudBlazor.Color.Warning,
        null => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Default,
    };

    /// <summary>
    /// An icon per kind of outcome, so a list tells a wrong answer (a cross) from a kernel that did not build (code) or broke
    /// the device's software at a glance, without reading the label; null while there is no verdict.
    /// </summary>
    public static string? Icon(string? verdict) => verdict switch
    {
        null => null,
        RunSummary.Passed => MudBlazor.Icons.Material.Filled.CheckCircle,
        "failed" => MudBlazor.Icons.Material.Filled.Cancel,
        "compile_error" => MudBlazor.Icons.Material.Filled.Code,
        "runtime_error" or "crashed" => MudBlazor.Icons.Material.Filled.BugReport,
        "timeout" => MudBlazor.Icons.Material.Filled.HourglassBottom,
        "invalid_spec" => MudBlazor.Icons.Material.Filled.Rule,
        "unsupported" => MudBlazor.Icons.Material.Filled.Block,
        RunSummary.Cancelled => MudBlazor.Icons.Material.Filled.DoNotDisturbOn,
        _ => MudBlazor.Icons.Material.Filled.Warning,
    };

    /// <summary>A failure pattern in the reader's language, with its figures; the code itself for one this portal does not know.</summary>
    public static string Pattern(MismatchPattern pattern)
    {
        string F(string name) => pattern.Parameters?.TryGetValue(name, out var v) == true ? Figure(v) : "?";
        var format = Localized<RunPageText>.Find("Pattern." + pattern.Code);
        if (format is null)
            return pattern.Code;
        return pattern.Code switch
        {
            MismatchPatterns.TailNotWritten => string.Format(CultureInfo.CurrentCulture, format, F("from"), F("count")),
            MismatchPatterns.NotFinite => string.Format(CultureInfo.CurrentCulture, format, F("count")),
            MismatchPatterns.ConstantOffset => string.Format(CultureInfo.CurrentCulture, format, F("offset")),
            MismatchPatterns.ConstantScale => string.Format(CultureInfo.CurrentCulture, format, F("factor")),
            _ => format,
        };
    }

    /// <summary>"Case 3 of 5, timing": where a running job is, from its agent's last report.</summary>
    public static string Progress(JobProgress progress) =>
        Localized<RunPageText>.Find("Progress." + progress.Phase) is { } format
            ? string.Format(CultureInfo.CurrentCulture, format, progress.Case, progress.Cases)
            : string.Format(CultureInfo.CurrentCulture, Localized<RunPageText>.Get("Progress." + JobProgress.Checking), progress.Case, progress.Cases);

    /// <summary>"row 3, column 7" for the first wrong element's place in the op's shape.</summary>
    public static string Position(IReadOnlyDictionary<string, long> position) =>
        string.Join(", ", position.Select(p => Localized<RunPageText>.Find("Position." + p.Key) is { } format
            ? string.Format(CultureInfo.CurrentCulture, format, p.Value)
            : $"{p.Key} {p.Value.ToString(CultureInfo.CurrentCulture)}"));

    /// <summary>"x = 0.25, y = −1.5": the inputs the first wrong element was computed from.</summary>
    public static string Inputs(IReadOnlyDictionary<string, double> inputs) =>
        string.Join(", ", inputs.Select(i => $"{i.Key} = {Figure(i.Value)}"));

    private static string Figure(double value) =>
        double.IsFinite(value) ? value.ToString("G6", CultureInfo.CurrentCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The matrix cell's background, the verdict's colour made light enough to read text on.</summary>
    public static string CellClass(string verdict) => Color(verdict) switch
    {
        MudBlazor.Color.Success => "verdict-cell verdict-passed",
        MudBlazor.Color.Error => "verdict-cell verdict-failed",
        MudBlazor.Color.Warning => "verdict-cell verdict-trouble",
        _ => "verdict-cell verdict-other",
    };
}
