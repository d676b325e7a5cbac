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

    /// <summary>The matrix cell's background, the verdict's colour made light enough to read text on.</summary>
    public static string CellClass(string verdict) => Color(verdict) switch
    {
        MudBlazor.Color.Success => "verdict-cell verdict-passed",
        MudBlazor.Color.Error => "verdict-cell verdict-failed",
        MudBlazor.Color.Warning => "verdict-cell verdict-trouble",
        _ => "verdict-cell verdict-other",
    };
}
