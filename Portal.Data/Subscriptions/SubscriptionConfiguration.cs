using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Jobs;
using Portal.Data.Skus;

namespace Portal.Data.Subscriptions;

internal sealed class ChangeEventConfiguration : IEntityTypeConfiguration<ChangeEvent>
{
    public void Configure(EntityTypeBuilder<ChangeEvent> builder)
    {
        builder.ToTable("change_events");
        builder.Property(e => e.Kind).HasConversion<SnakeCaseEnumConverter<ChangeKind>>().HasMaxLength(40);
        builder.Property(e => e.Key).HasMaxLength(200);
        builder.Property(e => e.Verdict).HasMaxLength(40);
        builder.Property(e => e.PreviousVerdict).HasMaxLength(40);
        builder.Property(e => e.DriverVersion).HasMaxLength(200);
        builder.Property(e => e.PreviousDriverVersion).HasMaxLength(200);
        builder.Property(e => e.MilestoneTitle).HasMaxLength(300);
        builder.HasIndex(e => e.Key).IsUnique();
        // The feeds read the newest events of one SKU or deployment.
        builder.HasIndex(e => new { e.SkuId, e.OccurredAt });
        builder.HasIndex(e => new { e.DeploymentId, e.OccurredAt });
        builder.HasIndex(e => e.TestId);
        builder.HasOne<HardwareSku>().WithMany().HasForeignKey(e => e.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CompatibilityTest>().WithMany().HasForeignKey(e => e.TestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SovereignDeployment>().WithMany().HasForeignKey(e => e.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(e => e.JobId);
    }
}

internal sealed class ChangeWatermarkConfiguration : IEntityTypeConfiguration<ChangeWatermark>
{
    public void Configure(EntityTypeBuilder<ChangeWatermark> builder)
    {
        builder.ToTable("change_watermarks");
        builder.HasKey(w => w.Source);
        builder.Property(w => w.Source).HasMaxLength(40);
    }
}

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.ToTable("webhooks");
        builder.Property(w => w.Url).HasMaxLength(2000);
        builder.Property(w => w.Secret).HasMaxLength(1000);
        builder.Property(w => w.Version).IsRowVersion();
        builder.HasOne(w => w.Organization).WithMany().HasForeignKey(w => w.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(w => w.OrganizationId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.Property(d => d.Kind).HasMaxLength(40);
        builder.Property(d => d.State).HasConversion<SnakeCaseEnumConverter<DeliveryState>>().HasMaxLength(20);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.HasOne(d => d.Webhook).WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ChangeEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        // A change reaches a webhook once, however often fan-out runs.
        builder.HasIndex(d => new { d.WebhookId, d.EventId }).IsUnique();
        builder.HasIndex(d => d.EventId);
        builder.HasIndex(d => new { d.WebhookId, d.CreatedAt });
        // The sender's search: pending deliveries by due time.
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("state = 'pending'");
        builder.HasMany(d => d.AttemptLog).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.ToTable("webhook_attempts");
        builder.Property(a => a.Error).HasMaxLength(1000);
        builder.HasIndex(a => a.DeliveryId);
    }
}
