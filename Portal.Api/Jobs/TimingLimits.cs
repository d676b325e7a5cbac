using Portal.Contracts;
using NpgsqlTypes;
using Npgsql;

namespace Portal.Api.Jobs;

/// <summary>
/// The one check of a result's timing against what its device can do (DESIGN.md "Timings that break physics"), shared by
/// every path that records a result: an online completion (<see cref="JobQueue.CompleteAsync"/>) and an offline bundle
/// (<see cref="MarkAsync"/>). The limits are the mapped SKU's datasheet bandwidth and FLOP rate, else, for bandwidth, 1.25× the
/// copy bandwidth the agent measured; a figure over its limit marks the job suspect, with the figure, the limit and where it
/// came from. The verdict stands.
/// </summary>
public static class TimingLimits
{
    // The FLOP limit is the datasheet's rate for the timing's dtype where the SKU gives one (BF16 for bf16, FP8 for
    // the fp8 formats): a bf16 kernel cannot use the FP8 units. Otherwise (f32, f16, or a figure the SKU lacks) it is the
    // highest rate the datasheet gives: no kernel of any precision beats it. The copy bandwidth bounds bytes, not FLOPs.
    /// <summary>
    /// The limits of the device <c>d</c> (agent_devices) for a row <c>c</c> with columns <c>gb</c>, <c>gflop</c>, <c>dtype</c>:
    /// joins its SKU as <c>s</c> and yields <c>x</c> (gb, gflop, gb_limit, gb_source, gflop_limit, gflop_source).
    /// </summary>
    public const string DeviceLimitsSql = """
          left join hardware_skus s on s.id = d.sku_id
         cross join lateral (
            select c.gb, c.gflop,
                   case when s.memory_bandwidth_tbs > 0 then s.memory_bandwidth_tbs * 1000
                        when d.copy_bandwidth_gb_per_second > 0 then d.copy_bandwidth_gb_per_second * 1.25 end as gb_limit,
                   case when s.memory_bandwidth_tbs > 0 then 'datasheet'
                        when d.copy_bandwidth_gb_per_second > 0 then 'copy_bandwidth' end as gb_source,
                   case when c.dtype = 'bf16' and s.bf16tflops > 0 then s.bf16tflops * 1000
                        when c.dtype in ('fp8e4m3', 'fp8e5m2') and s.fp8tflops > 0 then s.fp8tflops * 1000
                        else nullif(greatest(s.bf16tflops, s.fp8tflops), 0) * 1000 end as gflop_limit,
                   case when c.dtype = 'bf16' and s.bf16tflops > 0 then 'datasheet_bf16'
                        when c.dtype in ('fp8e4m3', 'fp8e5m2') and s.fp8tflops > 0 then 'datasheet_fp8'
                        else 'datasheet' end as gflop_source
         ) x
        """;

    /// <summary>The job columns the check sets (in an <c>update jobs</c>, from <see cref="DeviceLimitsSql"/>'s <c>x</c>).</summary>
    public const string SetSql = """
               timing_suspect = coalesce(x.gb > x.gb_limit or x.gflop > x.gflop_limit, false),
               suspect_figure = case when x.gb > x.gb_limit then 'gb_per_second' when x.gflop > x.gflop_limit then 'gflop_per_second' end,
               suspect_limit = case when x.gb > x.gb_limit then x.gb_limit when x.gflop > x.gflop_limit then x.gflop_limit end,
               suspect_limit_source = case when x.gb > x.gb_limit then x.gb_source when x.gflop > x.gflop_limit then x.gflop_source end
        """;

    /// <summary>Jobs already recorded (an offline bundle's), each checked against its own device.</summary>
    private const string MarkSql = $"""
        update jobs j
           set {SetSql}
          from unnest(@jobs, @gbs, @gflops, @dtypes) as c(job, gb, gflop, dtype)
          join jobs r on r.id = c.job
          join agent_devices d on d.id = r.device_id
        {DeviceLimitsSql}
         where j.id = c.job
        """;

    /// <summary>The figures of a result's timing that the check reads: NaN and infinities (written as strings) are no figure.</summary>
    public static (double? GbPerSecond, double? GflopPerSecond, string? Dtype) Figures(KernelResult result) =>
        (Finite(result.Timing?.GbPerSecond), Finite(result.Timing?.GflopPerSecond), result.Timing?.Dtype);

    /// <summary>Checks the timings of jobs just written (their device set), on the caller's connection and transaction.</summary>
    public static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<(Guid JobId, KernelResult Result)> jobs,
        CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
            return;
        var figures = jobs.Select(j => Figures(j.Result)).ToList();
        await using var command = new NpgsqlCommand(MarkSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("jobs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = jobs.Select(j => j.JobId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("gbs", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = figures.Select(f => f.GbPerSecond).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("gflops", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = figures.Select(f => f.GflopPerSecond).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("dtypes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = figures.Select(f => f.Dtype).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
