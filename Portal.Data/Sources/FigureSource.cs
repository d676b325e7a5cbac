using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Data.Sources;

/// <summary>
/// Where one published figure of a SKU or a deployment comes from (a datasheet, a ministry's press release): a URL or a
/// document's name, its date and a note. Exactly one of <see cref="SkuId"/> and <see cref="DeploymentId"/> is set; the
/// figure is named as in the CSV exports (<c>memory_bandwidth_tbs</c>, <c>planned_mw</c>). A change is a change of its
/// owner, in the owner's history.
/// </summary>
public sealed class FigureSource : IAuditedPart
{
    public const int FigureLength = 40;
    public const int ReferenceLength = 500;
    public const int NoteLength = 1000;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? SkuId { get; set; }
    public HardwareSku? Sku { get; set; }
    public Guid? DeploymentId { get; set; }
    public SovereignDeployment? Deployment { get; set; }
    public required string Figure { get; set; }

    /// <summary>An absolute http(s) URL or the name of a document (e.g. "Ministry budget act 2026, art. 4").</summary>
    public required string Reference { get; set; }

    /// <summary>When the source published the figure.</summary>
    public DateOnly? Date { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    string IAudited.AuditId => (SkuId ?? DeploymentId)!.Value.ToString();
    string IAuditedPart.OwnerType => SkuId is not null ? nameof(HardwareSku) : nameof(SovereignDeployment);
    string IAuditedPart.PartLabel => $"Source of {Figure}";
}
