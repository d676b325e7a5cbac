using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Compatibility;

internal sealed class CompatibilityTestConfiguration : IEntityTypeConfiguration<CompatibilityTest>
{
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;

    public void Configure(EntityTypeBuilder<CompatibilityTest> builder)
    {
        builder.ToTable("compatibility_tests");
        builder.Property(t => t.Name).HasMaxLength(NameLength);
        builder.Property(t => t.Description).HasMaxLength(DescriptionLength);
        builder.Property(t => t.Visibility).HasConversion<SnakeCaseEnumConverter<TestVisibility>>().HasMaxLength(20);
        builder.HasIndex(t => t.EmbargoUntil).HasFilter("embargo_until IS NOT NULL");
        builder.Property(t => t.Op).HasMaxLength(50);
        builder.Property(t => t.Language).HasMaxLength(20);
        builder.Property(t => t.Spec).IsJsonb(SpecJson.Serialize, SpecJson.Deserialize);
        // Stored, so a filter reads a column rather than parsing every spec; a v1 spec (no dtype) is f32.
        builder.Property(t => t.Dtype).HasComputedColumnSql("coalesce(spec ->> 'dtype', 'f32')", stored: true);
        builder.Property(t => t.Version).IsRowVersion();
        builder.HasOne(t => t.Organization).WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.Suite).WithMany(s => s.Tests).HasForeignKey(t => t.SuiteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.OpVersion).WithMany().HasForeignKey(t => t.OpVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => t.OrganizationId);
        builder.HasIndex(t => t.OpVersionId);
        builder.HasIndex(t => t.SuiteId);
        builder.HasIndex(t => new { t.Language, t.Op });
        builder.HasIndex(t => t.Dtype);
        builder.HasIndex(t => t.Name);
        builder.HasIndex(t => t.Tags).HasMethod("gin");
    }
}

internal sealed class TestSuiteConfiguration : IEntityTypeConfiguration<TestSuite>
{
    public void Configure(EntityTypeBuilder<TestSuite> builder)
    {
        builder.ToTable("test_suites");
        builder.Property(s => s.Slug).HasMaxLength(100);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Description).HasMaxLength(4000);
        builder.HasIndex(s => s.Slug).IsUnique();
    }
}
