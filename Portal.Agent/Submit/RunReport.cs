using System.Globalization;
using System.Text;

namespace Portal.Agent.Submit;

/// <summary>A finished run for the terminal: the exit code scripts branch on, and a table people read.</summary>
public static class RunReport
{
    /// <summary>Every job passed.</summary>
    public const int AllPassed = 0;

    /// <summary>A job did not pass: a verdict other than passed, or no verdict (failed, cancelled). A run with no jobs proves nothing, so it counts here too.</summary>
    public const int NotAllPassed = 3;

    public static int ExitCode(RunSnapshot run) => run.Jobs.Count > 0 && run.Jobs.All(j => j.Passed) ? AllPassed : NotAllPassed;

    public static string Table(RunSnapshot run)
    {
        var rows = run.Jobs.Select(j => new[]
        {
            j.Device?.Describe() ?? "-",
            j.Verdict ?? j.Status,
            j.Result?.Timing is { } t ? t.MedianMs.ToString("0.000", CultureInfo.InvariantCulture) : "-",
            j.Result?.Timing is { } g ? g.GbPerSecond.ToString("0.0", CultureInfo.InvariantCulture) : "-",
            OneLine(j.Result?.Message ?? j.FailureReason ?? ""),
        }).ToList();
        string[] header = ["device", "verdict", "median ms", "GB/s", "message"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Prepend(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            var line = $"{row[0].PadRight(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadLeft(widths[2])}  {row[3].PadLeft(widths[3])}  {row[4]}";
            text.Append(line.TrimEnd()).Append('\n');
        }
        var passed = run.Jobs.Count(j => j.Passed);
        text.Append(CultureInfo.InvariantCulture, $"{passed} of {run.Jobs.Count} passed");
        return text.ToString();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
