using Portal.Data.Jobs;
using Portal.Kernels.Results;

namespace Portal.Api.Runs;

/// <summary>A run's status and verdict, derived from its jobs, so that no stored summary can disagree with them.</summary>
public static class RunSummary
{
    /// <summary>A job whose attempts ran out without a result (every lease expired).</summary>
    public const string Error = "error";
    public const string Cancelled = "cancelled";
    /// <summary>A job no agent took (or finished) within the queue's age limit: it never ran.</summary>
    public const string Expired = "expired";
    public const string Passed = KernelStatuses.PassedName;

    // Worst first. A wrong answer is the one finding that matters most for compatibility, then the ways a kernel can
    // break the device's software, then specs and jobs that never produced a measurement (lost, or never taken by an
    // agent in time); "unsupported" and "cancelled" say nothing against the hardware.
    private static readonly string[] Severity =
        ["failed", "crashed", "runtime_error", "timeout", "compile_error", "invalid_spec", Error, Expired, "unsupported", Cancelled, Passed];

    public static RunStatus Status(IReadOnlyCollection<JobStatus> jobs)
    {
        if (jobs.All(s => s.IsFinal()))
            return RunStatus.Completed;
        return jobs.All(s => s is JobStatus.Queued or JobStatus.Retrying) ? RunStatus.Queued : RunStatus.Running;
    }

    /// <summary>What a final job came to: its verdict, "cancelled", "expired" or "error"; null while it has none.</summary>
    public static string? Outcome(JobStatus status, string? verdict) => status switch
    {
        JobStatus.Completed => verdict ?? Error,
        JobStatus.Failed => Error,
        JobStatus.Cancelled => Cancelled,
        JobStatus.Expired => Expired,
        _ => null,
    };

    /// <summary>Null until every job is final; then passed when all passed, else the worst outcome.</summary>
    public static string? Verdict(IReadOnlyCollection<(JobStatus Status, string? Verdict)> jobs)
    {
        if (jobs.Count == 0 || !jobs.All(j => j.Status.IsFinal()))
            return null;
        return jobs.Select(j => Outcome(j.Status, j.Verdict)!).MinBy(Rank);
    }

    public static IReadOnlyDictionary<string, int> Outcomes(IEnumerable<(JobStatus Status, string? Verdict)> jobs) =>
        jobs.Select(j => Outcome(j.Status, j.Verdict)).OfType<string>()
            .GroupBy(o => o, StringComparer.Ordinal)
            .OrderBy(g => Rank(g.Key))
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>An outcome this list does not know (a newer agent's) ranks with "error": not a pass, not a wrong answer.</summary>
    private static int Rank(string outcome)
    {
        var index = Array.IndexOf(Severity, outcome);
        return index >= 0 ? index : Array.IndexOf(Severity, Error);
    }
}
