using System.Globalization;
using Portal.Api.Common;
using Portal.Api.Sources;
using Portal.Data;

namespace Portal.Api.Deployments;

public static class DeploymentCsv
{
    private static readonly string[] Header =
    [
        "id", "name", "country", "region", "site", "latitude", "longitude", "ministry", "status", "planned_mw", "installed_mw",
        "energy_sources", "budget_amount", "budget_currency", "planned_accelerators", "installed_accelerators",
        "peak_bf16_pflops_planned", "peak_bf16_pflops_installed", "units_without_bf16", "kw_per_accelerator", "domestic_share",
        "next_milestone_date", "next_milestone", "slipped_milestones", "updated_at",
        .. FigureSourceService.CsvHeader(FigureOwner.Deployment),
    ];

    /// <summary>Each deployment's figures, then where each figure comes from (<see cref="FigureSourceService.CsvHeader"/>).</summary>
    public static async Task WriteAsync(Stream stream, IAsyncEnumerable<DeploymentListItem> rows, FigureSourceService sources,
        CancellationToken cancellationToken)
    {
        await using var csv = new CsvWriter(stream);
        await csv.WriteRowAsync(Header, cancellationToken);
        await foreach (var (d, sourced) in sources.WithSourcesAsync(rows, d => d.Id, FigureOwner.Deployment, cancellationToken))
        {
            var f = d.Figures;
            await csv.WriteRowAsync(
                [d.Id, d.Name, d.Country, d.Region, d.Site, d.Latitude, d.Longitude, d.Ministry?.Name, Naming.ToSnakeCase(d.Status),
                 d.PlannedMw, d.InstalledMw, string.Join("; ", d.EnergySources), d.Budget?.Amount, d.Budget?.Currency,
                 f.PlannedAccelerators, f.InstalledAccelerators, Round(f.PeakBf16PflopsPlanned), Round(f.PeakBf16PflopsInstalled),
                 f.UnitsWithoutBf16, Round(f.KwPerAccelerator), Round(f.DomesticShare),
                 f.NextMilestone?.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), f.NextMilestone?.Title, f.SlippedMilestones,
                 d.UpdatedAt, .. FigureSourceService.CsvCells(FigureOwner.Deployment, sourced)],
                cancellationToken);
        }
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 4) : null;
}
