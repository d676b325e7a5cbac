namespace Portal.Data.Audit;

/// <summary>
/// A row that belongs to an audited owner (a deployment's hardware line, a SKU's component): its
/// changes are recorded in the owner's history, each field prefixed with <see cref="PartLabel"/>.
/// <see cref="IAudited.AuditId"/> is the owner's id.
/// </summary>
public interface IAuditedPart : IAudited
{
    string OwnerType { get; }
    string PartLabel { get; }
}
