using Portal.Api.Common;
using Portal.Data;

namespace Portal.Api.Skus;

public static class SkuCsv
{
    public static async Task WriteAsync(Stream stream, IAsyncEnumerable<SkuListItem> rows, CancellationToken cancellationToken)
    {
        await using var csv = new CsvWriter(stream);
        await csv.WriteRowAsync(
            ["id", "vendor", "vendor_country", "name", "category", "lifecycle", "release_month", "memory_gb", "memory_type",
             "memory_bandwidth_tbs", "bf16_tflops", "fp8_tflops", "int8_tops", "tdp_w", "languages", "updated_at"],
            cancellationToken);
        await foreach (var s in rows.WithCancellation(cancellationToken))
        {
            await csv.WriteRowAsync(
                [s.Id, s.VendorName, s.VendorCountry, s.Name, Naming.ToSnakeCase(s.Category), Naming.ToSnakeCase(s.Lifecycle), s.ReleaseMonth,
                 s.MemoryGb, s.MemoryType, s.MemoryBandwidthTbs, s.Bf16Tflops, s.Fp8Tflops, s.Int8Tops, s.TdpW, string.Join("; ", s.Languages), s.UpdatedAt],
                cancellationToken);
        }
    }
}
