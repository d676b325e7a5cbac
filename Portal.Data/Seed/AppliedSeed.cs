using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Seed;

/// <summary>Marks a seed as loaded, so demo data is loaded once and never resurrected after a delete.</summary>
public sealed class AppliedSeed
{
    public required string Name { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}

internal sealed class AppliedSeedConfiguration : IEntityTypeConfiguration<AppliedSeed>
{
    public void Configure(EntityTypeBuilder<AppliedSeed> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(100);
    }
}
