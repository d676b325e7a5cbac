using System.Globalization;
using System.Text.Json;

namespace Portal.Benchmarks.Queue;

/// <summary>The report as plain text for a person (and docs/benchmarks.md), and as JSON for a file.</summary>
public static class QueueReportText
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(QueueReport report, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        var t = report.Throughput;
        output.WriteLine();
        output.WriteLine(string.Create(invariant, $"Job queue benchmark: {report.Url}, {report.Agents} synthetic agents, {report.Cores} cores, {report.At:yyyy-MM-dd HH:mm} UTC"));
        output.WriteLine(string.Create(invariant,
            $"  set-up      {report.Setup.Agents} agents registered in {report.Setup.RegisterSeconds:F1} s; {report.Setup.QualificationJobsDrained} qualification jobs drained in {report.Setup.DrainSeconds:F1} s"));
        output.WriteLine(string.Create(invariant,
            $"  warm-up     {report.Warmup.Jobs} jobs queued and drained in {report.Warmup.Seconds:F1} s (not timed)"));
        output.WriteLine(string.Create(invariant,
            $"  fill        {report.Fill.Jobs} jobs in {report.Fill.Runs} runs in {report.Fill.Seconds:F1} s (not timed)"));
        var calls = t.SeparateCalls ? "a lease call and a completion call per job" : "one completion call per job, which brings the next";
        output.WriteLine(string.Create(invariant, $"  throughput  {t.Completed} jobs in {t.Seconds:F2} s = {t.JobsPerSecond:F0} jobs/s, {calls}"));
        output.WriteLine("                            n     mean      p50      p90      p99      max   (ms)");
        Latency(output, "lease", t.Lease);
        Latency(output, t.SeparateCalls ? "complete" : "complete + next", t.Complete);
        Cpu(output, t.Cpu);
        if (report.PickUp is { } p)
        {
            output.WriteLine(string.Create(invariant, $"  idle pick-up ({p.Samples} samples, submit-call start → lease answer read by the waiting agent)"));
            Latency(output, "pick-up", p.PickUp);
            Latency(output, "submit call", p.Submit);
            Cpu(output, p.Cpu);
        }
        output.WriteLine("  aims");
        foreach (var aim in report.Aims)
            output.WriteLine($"    {(aim.Met ? "met    " : "NOT met")}  {aim.What,-30} {aim.Target,-16} measured {aim.Measured}");
    }

    public static async Task WriteJsonAsync(QueueReport report, string file, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(file);
        await JsonSerializer.SerializeAsync(stream, report, Json, cancellationToken);
    }

    private static void Latency(TextWriter output, string name, LatencySummary s) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {name,-16} {s.Count,9} {s.Mean,8:F2} {s.P50,8:F2} {s.P90,8:F2} {s.P99,8:F2} {s.Max,8:F2}"));

    private static void Cpu(TextWriter output, CpuFigures cpu)
    {
        string Share(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:F1} s ({s / cpu.WallSeconds:F2} cores)") : "n/a";
        var machine = cpu.MachineBusyShare is { } busy ? string.Create(CultureInfo.InvariantCulture, $"{busy:P0} of {cpu.Cores} cores busy") : "machine n/a";
        output.WriteLine($"    cpu              portal {Share(cpu.PortalSeconds)}, postgres {Share(cpu.PostgresSeconds)}, benchmark {Share(cpu.BenchmarkSeconds)}; {machine}");
    }
}
