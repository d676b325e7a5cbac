using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Compatibility;

namespace Portal.Data.Ops;

internal sealed class SavedOpConfiguration : IEntityTypeConfiguration<SavedOp>
{
    public void Configure(EntityTypeBuilder<SavedOp> builder)
    {
        builder.ToTable("saved_ops");
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Description).HasMaxLength(4000);
        builder.Property(o => o.Visibility).HasConversion<SnakeCaseEnumConverter<TestVisibility>>().HasMaxLength(20);
        builder.Property(o => o.RowVersion).IsRowVersion();
        builder.HasOne(o => o.Organization).WithMany().HasForeignKey(o => o.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(o => o.Versions).WithOne(v => v.Op).HasForeignKey(v => v.OpId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => o.OrganizationId);
        builder.HasIndex(o => o.Name);
    }
}

internal sealed class SavedOpVersionConfiguration : IEntityTypeConfiguration<SavedOpVersion>
{
    public void Configure(EntityTypeBuilder<SavedOpVersion> builder)
    {
        builder.ToTable("saved_op_versions");
        builder.Property(v => v.Definition).HasColumnType("jsonb");
        builder.Property(v => v.Hash).HasMaxLength(64);
        builder.HasIndex(v => new { v.OpId, v.Number }).IsUnique();
        builder.HasIndex(v => v.Hash);
    }
}
