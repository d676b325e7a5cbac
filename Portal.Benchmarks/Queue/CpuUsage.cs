using System.Diagnostics;
using System.Globalization;

namespace Portal.Benchmarks.Queue;

/// <summary>
/// CPU seconds spent by the portal, by PostgreSQL (the postmaster, its backends, and backends that ended in between) and
/// by this benchmark during one phase, and how busy the whole machine was: on a small machine where all three share
/// the cores, this says which of them is the bottleneck. Read from /proc, so Linux only; elsewhere the figures are null.
/// </summary>
public sealed record CpuFigures(double WallSeconds, double? PortalSeconds, double? PostgresSeconds, double BenchmarkSeconds,
    double? MachineBusyShare, int Cores);

public sealed class CpuUsage(int? portalPid, int? postgresPid)
{
    // /proc reports process times in USER_HZ, which the kernel fixes at 100 on every architecture it exports to user space.
    private const double TicksPerSecond = 100;

    public sealed record Snapshot(long Timestamp, double? Portal, double? Postgres, double Benchmark, (long Busy, long Total)? Machine);

    public Snapshot Take() => new(Stopwatch.GetTimestamp(),
        portalPid is { } portal ? ProcessSeconds(portal, withReapedChildren: false) : null,
        postgresPid is { } postmaster ? PostgresSeconds(postmaster) : null,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        MachineTicks());

    public static CpuFigures Between(Snapshot start, Snapshot end) => new(
        Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds,
        end.Portal - start.Portal,
        end.Postgres - start.Postgres,
        end.Benchmark - start.Benchmark,
        start.Machine is { } a && end.Machine is { } b && b.Total > a.Total ? (double)(b.Busy - a.Busy) / (b.Total - a.Total) : null,
        Environment.ProcessorCount);

    private static double? PostgresSeconds(int postmaster)
    {
        if (ProcessSeconds(postmaster, withReapedChildren: true) is not { } total)
            return null;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != postmaster && Stat(pid) is { } stat && stat.ParentPid == postmaster)
                total += stat.Seconds;
        }
        return total;
    }

    private static double? ProcessSeconds(int pid, bool withReapedChildren) =>
        Stat(pid) is { } stat ? stat.Seconds + (withReapedChildren ? stat.ReapedChildrenSeconds : 0) : null;

    private sealed record ProcStat(int ParentPid, double Seconds, double ReapedChildrenSeconds);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone in between, or not Linux
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new ProcStat((int)Field(4), (Field(14) + Field(15)) / TicksPerSecond, (Field(16) + Field(17)) / TicksPerSecond);
    }

    private static (long Busy, long Total)? MachineTicks()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already counted in user.
            var total = cpu.Take(8).Sum();
            return (total - cpu[3] - cpu[4], total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
