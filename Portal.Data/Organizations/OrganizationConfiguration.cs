using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Organizations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public const int NameLength = 200;
    public const int WebsiteLength = 500;
    public const int DescriptionLength = 4000;

    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(NameLength);
        builder.Property(o => o.Kind).HasConversion<SnakeCaseEnumConverter<OrganizationKind>>().HasMaxLength(40);
        builder.Property(o => o.Country).HasMaxLength(2).IsFixedLength();
        builder.Property(o => o.Website).HasMaxLength(WebsiteLength);
        builder.Property(o => o.Description).HasMaxLength(DescriptionLength);
        builder.Property(o => o.Version).IsRowVersion();

        // Names are unique regardless of case; the list filters by kind and country and sorts by name.
        builder.HasIndex(o => o.Name).IsUnique().UseCollation("case_insensitive");
        // Filter then name order (the list's default) from one index: the page is read in order, not sorted.
        builder.HasIndex(o => new { o.Kind, o.Name });
        builder.HasIndex(o => new { o.Country, o.Name });
        // The search (q) and SKU search by vendor: each column its own trigram index, read by each arm of the OR.
        builder.HasIndex(o => o.Name, "ix_organizations_name_trgm").HasDatabaseName("ix_organizations_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(o => o.Description, "ix_organizations_description_trgm").HasDatabaseName("ix_organizations_description_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(o => o.Website, "ix_organizations_website_trgm").HasDatabaseName("ix_organizations_website_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");

        builder.HasMany(o => o.Alliances)
            .WithMany(a => a.Organizations)
            .UsingEntity(
                "organization_alliances",
                r => r.HasOne(typeof(Alliance)).WithMany().HasForeignKey("AllianceId").OnDelete(DeleteBehavior.Cascade),
                l => l.HasOne(typeof(Organization)).WithMany().HasForeignKey("OrganizationId").OnDelete(DeleteBehavior.Cascade),
                j =>
                {
                    j.HasKey("OrganizationId", "AllianceId");
                    j.HasIndex("AllianceId");
                });
    }
}

internal sealed class AllianceConfiguration : IEntityTypeConfiguration<Alliance>
{
    public void Configure(EntityTypeBuilder<Alliance> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(OrganizationConfiguration.NameLength);
        builder.Property(a => a.Description).HasMaxLength(OrganizationConfiguration.DescriptionLength);
        builder.Property(a => a.Version).IsRowVersion();
        builder.HasIndex(a => a.Name).IsUnique().UseCollation("case_insensitive");
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> builder)
    {
        builder.HasKey(m => new { m.OrganizationId, m.UserId });
        builder.Property(m => m.Role).HasConversion<SnakeCaseEnumConverter<MemberRole>>().HasMaxLength(20);
        builder.HasOne(m => m.Organization).WithMany(o => o.Memberships).HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class JoinRequestConfiguration : IEntityTypeConfiguration<JoinRequest>
{
    public void Configure(EntityTypeBuilder<JoinRequest> builder)
    {
        builder.Property(r => r.RequestedRole).HasConversion<SnakeCaseEnumConverter<MemberRole>>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<SnakeCaseEnumConverter<JoinRequestStatus>>().HasMaxLength(20);
        builder.Property(r => r.Message).HasMaxLength(1000);
        builder.HasOne(r => r.Organization).WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.OrganizationId, r.Status });
        builder.HasIndex(r => r.UserId);
        // At most one open request per user and organisation.
        builder.HasIndex(r => new { r.OrganizationId, r.UserId }).IsUnique().HasFilter("status = 'pending'");
    }
}
