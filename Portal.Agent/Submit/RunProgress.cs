namespace Portal.Agent.Submit;

/// <summary>
/// Turns successive snapshots of a run into one line per change a person cares about: a job was queued, leased by a
/// device, started running, went back to the queue for another try, or ended (with its verdict and message).
/// </summary>
public sealed class RunProgress
{
    private readonly Dictionary<Guid, (string Status, string? Verdict, string? Device)> _seen = [];

    /// <summary>The lines for what changed since the previous snapshot (every job, the first time).</summary>
    public IReadOnlyList<string> Update(RunSnapshot run)
    {
        var lines = new List<string>();
        foreach (var job in run.Jobs)
        {
            var device = job.Device?.Describe();
            var now = (job.Status.ToLowerInvariant(), job.Verdict, device);
            if (_seen.TryGetValue(job.Id, out var before) && before == now)
                continue;
            _seen[job.Id] = now;
            lines.Add(Line(job, device));
        }
        return lines;
    }

    public static string Line(JobSnapshot job, string? device)
    {
        var where = device is null ? "" : $" on {device}";
        var what = job.Status.ToLowerInvariant() switch
        {
            "completed" => $"{job.Verdict ?? "completed"}" + Message(job.Result?.Message),
            "failed" => "failed" + Message(job.FailureReason),
            "cancelled" => "cancelled" + Message(job.FailureReason),
            "retrying" => "retrying (its agent stopped reporting)",
            var other => other,
        };
        return $"job {job.Id}{where}: {what}";
    }

    private static string Message(string? message) => string.IsNullOrWhiteSpace(message) ? "" : $" — {message}";
}
