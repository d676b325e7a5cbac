using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Publishing;

namespace Portal.Data.Deployments;

internal sealed class SovereignDeploymentConfiguration : IEntityTypeConfiguration<SovereignDeployment>
{
    public const int NameLength = 200;
    public const int TextLength = 200;
    public const int NotesLength = 4000;

    public void Configure(EntityTypeBuilder<SovereignDeployment> builder)
    {
        builder.ToTable("sovereign_deployments", t =>
        {
            t.HasCheckConstraint("ck_sovereign_deployments_latitude", "latitude BETWEEN -90 AND 90");
            t.HasCheckConstraint("ck_sovereign_deployments_longitude", "longitude BETWEEN -180 AND 180");
            t.HasCheckConstraint("ck_sovereign_deployments_budget", "(budget_amount IS NULL) = (budget_currency IS NULL)");
        });
        builder.Property(d => d.Name).HasMaxLength(NameLength);
        builder.Property(d => d.Country).HasMaxLength(2).IsFixedLength();
        builder.Property(d => d.Region).HasMaxLength(TextLength);
        builder.Property(d => d.Site).HasMaxLength(TextLength);
        builder.Property(d => d.Status).HasConversion<SnakeCaseEnumConverter<DeploymentStatus>>().HasMaxLength(40);
        builder.Property(d => d.BudgetAmount).HasPrecision(20, 2);
        builder.Property(d => d.BudgetCurrency).HasMaxLength(3).IsFixedLength();
        builder.Property(d => d.Notes).HasMaxLength(NotesLength);
        builder.Property(d => d.Version).IsRowVersion();
        builder.Property(d => d.Publication).HasConversion<SnakeCaseEnumConverter<Publication>>().HasMaxLength(20).HasDefaultValue(Publication.Public)
            // Existing rows become public. The sentinel is the default itself, so that private and embargoed are always written.
            .HasSentinel(Publication.Public);
        // The release service looks for embargoes that are due; anonymous reads filter by state.
        builder.HasIndex(d => new { d.Publication, d.EmbargoUntil });
        builder.HasOne(d => d.Ministry).WithMany().HasForeignKey(d => d.MinistryId).OnDelete(DeleteBehavior.Restrict);

        builder.HasIndex(d => d.Name).IsUnique().UseCollation("case_insensitive");
        builder.HasIndex(d => d.MinistryId);
        // Filter then name order (the list's default) from one index.
        builder.HasIndex(d => new { d.Country, d.Name });
        builder.HasIndex(d => new { d.Status, d.Name });
        // The search (q): each column its own trigram index, read by each arm of the OR (DeploymentFilters.Filter).
        builder.HasIndex(d => d.Name, "ix_sovereign_deployments_name_trgm").HasDatabaseName("ix_sovereign_deployments_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(d => d.Site, "ix_sovereign_deployments_site_trgm").HasDatabaseName("ix_sovereign_deployments_site_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(d => d.Region, "ix_sovereign_deployments_region_trgm").HasDatabaseName("ix_sovereign_deployments_region_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class DeploymentParticipantConfiguration : IEntityTypeConfiguration<DeploymentParticipant>
{
    public void Configure(EntityTypeBuilder<DeploymentParticipant> builder)
    {
        builder.ToTable("deployment_participants");
        builder.HasKey(p => new { p.DeploymentId, p.OrganizationId, p.Role });
        builder.Property(p => p.Role).HasConversion<SnakeCaseEnumConverter<ParticipantRole>>().HasMaxLength(20);
        builder.HasOne(p => p.Deployment).WithMany(d => d.Participants).HasForeignKey(p => p.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Organization).WithMany().HasForeignKey(p => p.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // "Deployments I take part in" and the operator check look participants up by organisation.
        builder.HasIndex(p => new { p.OrganizationId, p.Role });
    }
}

internal sealed class HardwareLineConfiguration : IEntityTypeConfiguration<HardwareLine>
{
    public void Configure(EntityTypeBuilder<HardwareLine> builder)
    {
        builder.ToTable("hardware_lines", t =>
        {
            t.HasCheckConstraint("ck_hardware_lines_planned", "planned_units >= 0");
            t.HasCheckConstraint("ck_hardware_lines_installed", "installed_units >= 0 AND installed_units <= planned_units");
        });
        builder.Property(l => l.Version).IsRowVersion();
        builder.HasOne(l => l.Deployment).WithMany(d => d.HardwareLines).HasForeignKey(l => l.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(l => l.Sku).WithMany().HasForeignKey(l => l.SkuId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => new { l.DeploymentId, l.SkuId }).IsUnique();
        builder.HasIndex(l => l.SkuId);
    }
}

internal sealed class MilestoneConfiguration : IEntityTypeConfiguration<Milestone>
{
    public void Configure(EntityTypeBuilder<Milestone> builder)
    {
        builder.ToTable("milestones");
        builder.Property(m => m.Title).HasMaxLength(SovereignDeploymentConfiguration.TextLength);
        builder.Property(m => m.Status).HasConversion<SnakeCaseEnumConverter<MilestoneStatus>>().HasMaxLength(20);
        builder.Property(m => m.Note).HasMaxLength(1000);
        builder.Property(m => m.Version).IsRowVersion();
        builder.HasOne(m => m.Deployment).WithMany(d => d.Milestones).HasForeignKey(m => m.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.DeploymentId, m.Date });
        // The dashboard asks for milestones due in a date window across all deployments.
        builder.HasIndex(m => new { m.Date, m.Status });
    }
}
