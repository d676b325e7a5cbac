using Portal.Api.Common;

namespace Portal.Api.Matrix;

/// <summary>The matrix as a table with one row per cell (test × SKU with a result): ready for a pivot table.</summary>
public static class MatrixCsv
{
    public static async Task WriteAsync(Stream stream, MatrixDto matrix, CancellationToken cancellationToken)
    {
        await using var csv = new CsvWriter(stream);
        await csv.WriteRowAsync(
            ["test_id", "test", "op", "language", "suite", "sku_id", "sku", "vendor", "verdict", "median_ms", "gb_per_second",
             "bandwidth_share", "verified", "finished_at", "job_id", "timing_suspect"],
            cancellationToken);
        foreach (var test in matrix.Tests)
        {
            foreach (var sku in matrix.Skus)
            {
                if (!test.Cells.TryGetValue(sku.Id, out var cell))
                    continue;
                await csv.WriteRowAsync(
                    [test.Id, test.Name, test.Op, test.Language, test.Suite?.Slug, sku.Id, sku.Name, sku.VendorName, cell.Verdict,
                     cell.MedianMs, cell.GbPerSecond, cell.BandwidthShare, cell.Verified ? "true" : "false", cell.FinishedAt, cell.JobId,
                     cell.Suspect ? "true" : "false"],
                    cancellationToken);
            }
        }
    }
}
