using System.Globalization;
using Npgsql;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Compatibility;

namespace Portal.Api.Matrix;

/// <summary>
/// The latest completed verdicts that count toward a SKU: the statements the matrix, the catalogue's measured column and the
/// SKU page share, so that they cannot disagree on what "latest" and "counts" mean.
/// </summary>
/// <remarks>
/// Raw SQL because EF cannot say DISTINCT ON, nor read into the result document (a jsonb column mapped as text): the newest
/// row of each group comes out of one ordered pass over ix_jobs_verdicts (sku_id, test_id, finished_at), where EF's
/// GroupBy-First numbers every row first. Only results that count toward their SKU take part (SkuAttribution: a device mapped
/// by hand counts once confirmed). A suspect timing (DESIGN.md "Timings that break physics") keeps its verdict but shows no
/// figures: it is not compared with others.
/// </remarks>
internal static class LatestVerdicts
{
    /// <summary>The jobs whose verdicts count toward their SKU; over <c>jobs</c> aliased <c>j</c>.</summary>
    public const string CountsTowardSku =
        $"j.status = '{JobStatuses.CompletedName}' and j.sku_id is not null and j.finished_at is not null and {SkuAttribution.JobCountsSql}";

    /// <summary>Tests whose verdicts everyone may read (DESIGN.md "Public by default"): the measured figures count these only,
    /// so that a catalogue row reads the same for every reader and a private test's outcome never shows through a rate.</summary>
    private static readonly string PublicTest =
        $"exists (select 1 from compatibility_tests t where t.id = j.test_id and t.visibility = '{Naming.ToSnakeCase(TestVisibility.Consortium)}')";

    private const string Columns = """
        j.sku_id, j.test_id, j.id, coalesce(j.verdict, 'error'), j.finished_at, j.verified,
        case when not j.timing_suspect then j.result -> 'timing' ->> 'medianMs' end,
        case when not j.timing_suspect then j.result -> 'timing' ->> 'gbPerSecond' end,
        case when not j.timing_suspect then j.result -> 'timing' ->> 'gflopPerSecond' end,
        j.result -> 'timing' ->> 'dtype', j.timing_suspect, j.language, j.bundle_id is not null
        """;

    // Ordered as ix_jobs_verdicts reads backwards (sku_id, test_id, finished_at all descending), hence the descending SKU and test.
    private static readonly string ByTestsSql = $"""
        select distinct on (j.sku_id, j.test_id) {Columns}
          from jobs j
         where {CountsTowardSku} and j.test_id = any(@ids)
         order by j.sku_id desc, j.test_id desc, j.finished_at desc, j.id desc
        """;

    // Verified and partner-reported results are kept apart (DESIGN.md "Verified"): the newest of each per (SKU, test), so that a
    // partner's later run never hides what a consortium agent measured, nor the other way round.
    private static readonly string BySkusSql = $"""
        select distinct on (j.sku_id, j.test_id, j.verified) {Columns}
          from jobs j
         where {CountsTowardSku} and j.sku_id = any(@ids) and {PublicTest}
         order by j.sku_id, j.test_id, j.verified, j.finished_at desc, j.id desc
        """;

    /// <summary>Per (SKU, language, provenance): how many public tests have a latest verdict and how many of those passed.</summary>
    private static readonly string PassCountsSql = $"""
        select l.sku_id, l.language, l.verified, count(*)::int, (count(*) filter (where l.verdict = '{KernelStatuses.PassedName}'))::int
          from (select distinct on (j.sku_id, j.test_id, j.verified) j.sku_id, j.language, j.verified, j.verdict
                  from jobs j
                 where {CountsTowardSku} and j.sku_id = any(@ids) and {PublicTest}
                 order by j.sku_id, j.test_id, j.verified, j.finished_at desc, j.id desc) l
         group by l.sku_id, l.language, l.verified
        """;

    public sealed record Latest(Guid SkuId, Guid TestId, Guid JobId, string Verdict, DateTimeOffset FinishedAt, bool Verified,
        double? MedianMs, double? GbPerSecond, double? GflopPerSecond, string? Dtype, bool Suspect, string Language, bool Offline = false);

    public sealed record PassCount(Guid SkuId, string Language, bool Verified, int Tested, int Passed);

    /// <summary>The latest verdict per (SKU, test) of the given tests, whoever ran it: the matrix's cells.</summary>
    public static Task<List<Latest>> ForTestsAsync(NpgsqlDataSource dataSource, Guid[] testIds, CancellationToken cancellationToken) =>
        ReadAsync(dataSource, ByTestsSql, testIds, cancellationToken);

    /// <summary>The latest verified and the latest partner-reported verdict per (SKU, public test) of the given SKUs.</summary>
    public static Task<List<Latest>> ForSkusAsync(NpgsqlDataSource dataSource, Guid[] skuIds, CancellationToken cancellationToken) =>
        ReadAsync(dataSource, BySkusSql, skuIds, cancellationToken);

    /// <summary>Pass counts of the given SKUs (a catalogue page): one statement for the page, never one per row.</summary>
    public static async Task<List<PassCount>> PassCountsAsync(NpgsqlDataSource dataSource, Guid[] skuIds, CancellationToken cancellationToken)
    {
        var counts = new List<PassCount>();
        if (skuIds.Length == 0)
            return counts;
        await using var command = dataSource.CreateCommand(PassCountsSql);
        command.Parameters.Add(new NpgsqlParameter("ids", skuIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts.Add(new PassCount(reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInt32(3), reader.GetInt32(4)));
        return counts;
    }

    private static async Task<List<Latest>> ReadAsync(NpgsqlDataSource dataSource, string sql, Guid[] ids, CancellationToken cancellationToken)
    {
        var latest = new List<Latest>();
        if (ids.Length == 0)
            return latest;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("ids", ids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            latest.Add(new Latest(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5), Number(Text(reader, 6)), Number(Text(reader, 7)),
                Number(Text(reader, 8)), Text(reader, 9), reader.GetBoolean(10), reader.GetString(11), reader.GetBoolean(12)));
        }
        return latest;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A figure from the result document; a kernel's NaN or ∞ (written as strings) is no figure.</summary>
    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
