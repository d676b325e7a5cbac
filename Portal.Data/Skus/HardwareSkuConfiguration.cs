using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Publishing;
using Portal.Data.Organizations;

namespace Portal.Data.Skus;

internal sealed class HardwareSkuConfiguration : IEntityTypeConfiguration<HardwareSku>
{
    public const int NameLength = 200;
    public const int TextLength = 200;
    public const int UrlLength = 500;

    public void Configure(EntityTypeBuilder<HardwareSku> builder)
    {
        builder.ToTable("hardware_skus");
        builder.Property(s => s.Name).HasMaxLength(NameLength);
        builder.Property(s => s.Category).HasConversion<SnakeCaseEnumConverter<SkuCategory>>().HasMaxLength(20);
        builder.Property(s => s.Lifecycle).HasConversion<SnakeCaseEnumConverter<SkuLifecycle>>().HasMaxLength(20);
        builder.Property(s => s.MemoryType).HasMaxLength(TextLength);
        builder.Property(s => s.Process).HasMaxLength(TextLength);
        builder.Property(s => s.FormFactor).HasMaxLength(TextLength);
        builder.Property(s => s.SoftwareStack).HasMaxLength(TextLength);
        builder.Property(s => s.DatasheetUrl).HasMaxLength(UrlLength);
        builder.Property(s => s.Version).IsRowVersion();
        builder.Property(s => s.Publication).HasConversion<SnakeCaseEnumConverter<Publication>>().HasMaxLength(20).HasDefaultValue(Publication.Public)
            // Existing rows become public. The sentinel is the default itself, so that private and embargoed are always written.
            .HasSentinel(Publication.Public);
        // The release service looks for embargoes that are due; anonymous reads filter by state.
        builder.HasIndex(s => new { s.Publication, s.EmbargoUntil });
        builder.HasOne(s => s.Vendor).WithMany().HasForeignKey(s => s.VendorId).OnDelete(DeleteBehavior.Restrict);

        // Unique per vendor regardless of case; the catalogue filters by category, lifecycle and language.
        builder.HasIndex(s => new { s.VendorId, s.Name }).IsUnique().UseCollation(null!, "case_insensitive");
        builder.HasIndex(s => s.Name);
        // The catalogue filters by category and sorts by name by default: one index answers both.
        builder.HasIndex(s => new { s.Category, s.Name });
        builder.HasIndex(s => s.Lifecycle);
        builder.HasIndex(s => s.Languages).HasMethod("gin");
        // The search (q) reads one column with one trigram index (SkuSearch). Never written by EF.
        builder.Property<string>(SkuSearch.Column).HasColumnName("search_text").ValueGeneratedOnAddOrUpdate()
            .Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.HasIndex(SkuSearch.Column).HasDatabaseName("ix_hardware_skus_search_text_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class SkuComponentConfiguration : IEntityTypeConfiguration<SkuComponent>
{
    public void Configure(EntityTypeBuilder<SkuComponent> builder)
    {
        builder.ToTable("sku_components", t => t.HasCheckConstraint("ck_sku_components_count", "count > 0"));
        builder.HasKey(c => new { c.SkuId, c.ComponentSkuId });
        builder.HasOne(c => c.Sku).WithMany(s => s.Components).HasForeignKey(c => c.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(c => c.ComponentSku).WithMany().HasForeignKey(c => c.ComponentSkuId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.ComponentSkuId);
    }
}
