using Portal.Api.Common;
using Portal.Data;

namespace Portal.Api.Organizations;

public static class OrganizationCsv
{
    public static async Task WriteAsync(Stream stream, IAsyncEnumerable<OrganizationDto> rows, CancellationToken cancellationToken)
    {
        await using var csv = new CsvWriter(stream);
        await csv.WriteRowAsync(["id", "name", "kind", "country", "website", "alliances", "members", "created_at", "updated_at", "description"], cancellationToken);
        await foreach (var o in rows.WithCancellation(cancellationToken))
        {
            await csv.WriteRowAsync(
                [o.Id, o.Name, Naming.ToSnakeCase(o.Kind), o.Country, o.Website, string.Join("; ", o.Alliances.Select(a => a.Name)),
                 o.MemberCount, o.CreatedAt, o.UpdatedAt, o.Description],
                cancellationToken);
        }
    }
}
