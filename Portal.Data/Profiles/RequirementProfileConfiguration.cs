using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Deployments;

namespace Portal.Data.Profiles;

internal sealed class RequirementProfileConfiguration : IEntityTypeConfiguration<RequirementProfile>
{
    public const int SlugLength = 100;
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;

    public void Configure(EntityTypeBuilder<RequirementProfile> builder)
    {
        builder.ToTable("requirement_profiles");
        builder.Property(p => p.Slug).HasMaxLength(SlugLength);
        builder.Property(p => p.Name).HasMaxLength(NameLength);
        builder.Property(p => p.Description).HasMaxLength(DescriptionLength);
        builder.Property(p => p.Version).IsRowVersion();
        builder.HasIndex(p => p.Slug).IsUnique();
        builder.HasIndex(p => p.Name).IsUnique().UseCollation("case_insensitive");
        // A deployment names at most one profile; deleting the profile leaves the deployment naming none.
        builder.HasMany<SovereignDeployment>().WithOne().HasForeignKey(d => d.RequirementProfileId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class RequirementProfileTestConfiguration : IEntityTypeConfiguration<RequirementProfileTest>
{
    public void Configure(EntityTypeBuilder<RequirementProfileTest> builder)
    {
        builder.ToTable("requirement_profile_tests");
        builder.HasKey(t => new { t.ProfileId, t.TestId });
        builder.HasOne(t => t.Profile).WithMany(p => p.Tests).HasForeignKey(t => t.ProfileId).OnDelete(DeleteBehavior.Cascade);
        // A deleted test leaves every profile that required it.
        builder.HasOne(t => t.Test).WithMany().HasForeignKey(t => t.TestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.TestId);
    }
}
