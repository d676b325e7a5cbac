namespace Portal.Data.Audit;

/// <summary>An entity whose every change is written to the audit log in the same transaction.</summary>
public interface IAudited
{
    string AuditId { get; }
}
