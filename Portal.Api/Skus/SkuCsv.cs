using Portal.Api.Common;
using Portal.Api.Sources;
using Portal.Data;

namespace Portal.Api.Skus;

public static class SkuCsv
{
    /// <summary>Each SKU's figures, then where each figure comes from (<see cref="FigureSourceService.CsvHeader"/>).</summary>
    public static async Task WriteAsync(Stream stream, IAsyncEnumerable<SkuListItem> rows, FigureSourceService sources, CancellationToken cancellationToken)
    {
        await using var csv = new CsvWriter(stream);
        await csv.WriteRowAsync(
            ["id", "vendor", "vendor_country", "name", "category", "lifecycle", "release_month", "memory_gb", "memory_type",
             "memory_bandwidth_tbs", "bf16_tflops", "fp8_tflops", "int8_tops", "tdp_w", "languages", "updated_at",
             .. FigureSourceService.CsvHeader(FigureOwner.Sku)],
            cancellationToken);
        await foreach (var (s, sourced) in sources.WithSourcesAsync(rows, s => s.Id, FigureOwner.Sku, cancellationToken))
        {
            await csv.WriteRowAsync(
                [s.Id, s.VendorName, s.VendorCountry, s.Name, Naming.ToSnakeCase(s.Category), Naming.ToSnakeCase(s.Lifecycle), s.ReleaseMonth,
                 s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops, s.Int8Tops, s.TdpW, string.Join("; ", s.Languages), s.UpdatedAt,
                 .. FigureSourceService.CsvCells(FigureOwner.Sku, sourced)],
                cancellationToken);
        }
    }
}
