using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Sources;

internal sealed class FigureSourceConfiguration : IEntityTypeConfiguration<FigureSource>
{
    public void Configure(EntityTypeBuilder<FigureSource> builder)
    {
        builder.ToTable("figure_sources", t => t.HasCheckConstraint("ck_figure_sources_one_owner", "num_nonnulls(sku_id, deployment_id) = 1"));
        builder.Property(s => s.Figure).HasMaxLength(FigureSource.FigureLength);
        builder.Property(s => s.Reference).HasMaxLength(FigureSource.ReferenceLength);
        builder.Property(s => s.Note).HasMaxLength(FigureSource.NoteLength);
        // Sources go with their record.
        builder.HasOne(s => s.Sku).WithMany().HasForeignKey(s => s.SkuId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Deployment).WithMany().HasForeignKey(s => s.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        // One source per figure of a record; each index also answers "the sources of this record".
        builder.HasIndex(s => new { s.SkuId, s.Figure }).IsUnique().HasFilter("sku_id is not null");
        builder.HasIndex(s => new { s.DeploymentId, s.Figure }).IsUnique().HasFilter("deployment_id is not null");
    }
}
