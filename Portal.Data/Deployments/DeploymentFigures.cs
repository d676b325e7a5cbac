using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Deployments;

/// <summary>
/// A deployment's sums over its hardware lines and its next milestone, kept by PostgreSQL triggers (migration
/// RegistryFiguresAndSearch: hardware lines, milestones, a SKU's category, bf16 figure or vendor, a vendor's country, the
/// deployment's country) in the same transaction as the write they depend on, so that a list page reads them instead of
/// summing hardware lines for each row. Read-only for EF: nothing in C# writes it. Which milestones are slipped depends on
/// today, so that count stays a query (DeploymentRows).
/// </summary>
public sealed class DeploymentFigures
{
    public Guid DeploymentId { get; set; }
    public long PlannedAccelerators { get; set; }
    public long InstalledAccelerators { get; set; }
    public double PlannedTflops { get; set; }
    public double InstalledTflops { get; set; }
    public long UnitsWithoutBf16 { get; set; }
    public long DomesticAccelerators { get; set; }

    /// <summary>The earliest milestone not done (by date, then title).</summary>
    public Guid? NextMilestoneId { get; set; }
    public DateOnly? NextMilestoneDate { get; set; }
    public string? NextMilestoneTitle { get; set; }
    public MilestoneStatus? NextMilestoneStatus { get; set; }
}

internal sealed class DeploymentFiguresConfiguration : IEntityTypeConfiguration<DeploymentFigures>
{
    public void Configure(EntityTypeBuilder<DeploymentFigures> builder)
    {
        builder.ToTable("deployment_figures");
        builder.HasKey(f => f.DeploymentId);
        builder.Property(f => f.NextMilestoneTitle).HasMaxLength(SovereignDeploymentConfiguration.TextLength);
        builder.Property(f => f.NextMilestoneStatus).HasConversion<SnakeCaseEnumConverter<MilestoneStatus>>().HasMaxLength(20);
        builder.HasOne<SovereignDeployment>().WithOne(d => d.Figures).HasForeignKey<DeploymentFigures>(f => f.DeploymentId).OnDelete(DeleteBehavior.Cascade);
    }
}
