using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Accounts;

namespace Portal.Data.Agents;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.ToTable("agents");
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.Hostname).HasMaxLength(200);
        builder.Property(a => a.AgentVersion).HasMaxLength(100);
        builder.Property(a => a.EngineVersion).HasMaxLength(100);
        builder.Property(a => a.TokenPrefix).HasMaxLength(16);
        builder.Property(a => a.PublicKey).HasMaxLength(64);
        // One key, one agent: a signature names its signer by key alone (bundles, signed results), so two agents with one key
        // would make a signer ambiguous. PostgreSQL lets many rows have none (agents from before keys).
        builder.HasIndex(a => a.PublicKey).IsUnique();
        builder.HasIndex(a => a.TokenHash).IsUnique();
        builder.HasIndex(a => a.OrganizationId);
        builder.HasOne(a => a.Organization).WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AgentRegistrationToken>().WithMany().HasForeignKey(a => a.RegistrationTokenId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(a => a.RegistrationTokenId);
    }
}

internal sealed class AgentDeviceConfiguration : IEntityTypeConfiguration<AgentDevice>
{
    public void Configure(EntityTypeBuilder<AgentDevice> builder)
    {
        builder.ToTable("agent_devices");
        builder.Property(d => d.LocalId).HasMaxLength(100);
        builder.Property(d => d.Name).HasMaxLength(300);
        builder.Property(d => d.Vendor).HasMaxLength(200);
        builder.Property(d => d.Runtime).HasMaxLength(50);
        builder.Property(d => d.RuntimeVersion).HasMaxLength(200);
        builder.Property(d => d.DriverVersion).HasMaxLength(200);
        builder.HasOne(d => d.Agent).WithMany(a => a.Devices).HasForeignKey(d => d.AgentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Sku).WithMany().HasForeignKey(d => d.SkuId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(d => new { d.AgentId, d.LocalId }).IsUnique();
        builder.HasIndex(d => d.SkuId);
    }
}

internal sealed class AgentRegistrationTokenConfiguration : IEntityTypeConfiguration<AgentRegistrationToken>
{
    public void Configure(EntityTypeBuilder<AgentRegistrationToken> builder)
    {
        builder.ToTable("agent_registration_tokens");
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.HasIndex(t => t.SecretHash).IsUnique();
        builder.HasIndex(t => t.OrganizationId);
        builder.HasOne(t => t.Organization).WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ApiToken>().WithMany().HasForeignKey(t => t.ParentTokenId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.ParentTokenId);
    }
}
