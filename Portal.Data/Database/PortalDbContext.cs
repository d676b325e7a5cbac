using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Accounts;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Seed;
using Portal.Data.Skus;
using Portal.Data.Subscriptions;
using Portal.Data.Sources;

namespace Portal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options, TimeProvider? time = null)
    : IdentityDbContext<PortalUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Alliance> Alliances => Set<Alliance>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<JoinRequest> JoinRequests => Set<JoinRequest>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AppliedSeed> AppliedSeeds => Set<AppliedSeed>();
    public DbSet<HardwareSku> HardwareSkus => Set<HardwareSku>();
    public DbSet<SkuComponent> SkuComponents => Set<SkuComponent>();
    public DbSet<SovereignDeployment> Deployments => Set<SovereignDeployment>();
    public DbSet<DeploymentParticipant> DeploymentParticipants => Set<DeploymentParticipant>();
    public DbSet<HardwareLine> HardwareLines => Set<HardwareLine>();
    public DbSet<Milestone> Milestones => Set<Milestone>();
    public DbSet<DeploymentFigures> DeploymentFigures => Set<DeploymentFigures>();
    public DbSet<FigureSource> FigureSources => Set<FigureSource>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<TestSuite> TestSuites => Set<TestSuite>();
    public DbSet<CompatibilityTest> CompatibilityTests => Set<CompatibilityTest>();
    public DbSet<Ops.SavedOp> SavedOps => Set<Ops.SavedOp>();
    public DbSet<Ops.SavedOpVersion> SavedOpVersions => Set<Ops.SavedOpVersion>();
    public DbSet<TestRun> TestRuns => Set<TestRun>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<ResultBundle> ResultBundles => Set<ResultBundle>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentDevice> AgentDevices => Set<AgentDevice>();
    public DbSet<AgentRegistrationToken> AgentRegistrationTokens => Set<AgentRegistrationToken>();
    public DbSet<Profiles.RequirementProfile> RequirementProfiles => Set<Profiles.RequirementProfile>();
    public DbSet<Profiles.RequirementProfileTest> RequirementProfileTests => Set<Profiles.RequirementProfileTest>();
    public DbSet<ChangeEvent> ChangeEvents => Set<ChangeEvent>();
    public DbSet<ChangeWatermark> ChangeWatermarks => Set<ChangeWatermark>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();

    /// <summary>Who the changes saved next are attributed to; required when audited entities change.</summary>
    public AuditActor? Actor { get; set; }

    public DateTimeOffset Now => _time.GetUtcNow();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Case-insensitive uniqueness for names, without giving up ILIKE on the columns themselves.
        builder.HasCollation("case_insensitive", locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        // Trigram indexes (GIN, gin_trgm_ops) answer the lists' ILIKE '%…%' searches; the contrib module ships with the server.
        builder.HasPostgresExtension("pg_trgm");
        builder.HasDbFunction(typeof(SkuSearch).GetMethod(nameof(SkuSearch.Lower))!).HasName("lower").IsBuiltIn();
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!AddAuditEntries())
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (saved > 0)
                await Database.ExecuteSqlRawAsync(NotifySaved, cancellationToken);
            return Counted(saved);
        }

        // The change and its audit entries commit together or not at all; so does the notification of it.
        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await using (ownTransaction)
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await Database.ExecuteSqlRawAsync(NotifySaved, cancellationToken);
            if (ownTransaction is not null)
                await ownTransaction.CommitAsync(cancellationToken);
            return Counted(written);
        }
    }

    // Data protection's key store saves synchronously; the same audit rule applies.
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (!AddAuditEntries())
        {
            var saved = base.SaveChanges(acceptAllChangesOnSuccess);
            if (saved > 0)
                Database.ExecuteSqlRaw(NotifySaved);
            return Counted(saved);
        }
        using var ownTransaction = Database.CurrentTransaction is null ? Database.BeginTransaction() : null;
        var written = base.SaveChanges(acceptAllChangesOnSuccess);
        Database.ExecuteSqlRaw(NotifySaved);
        ownTransaction?.Commit();
        return Counted(written);
    }

    /// <summary>
    /// Tells every replica's listener that this database changed (delivered at commit, dropped with a rollback), so that
    /// their list totals are recounted rather than served for up to their maximum age.
    /// </summary>
    private const string NotifySaved = "NOTIFY " + DataChanges.Channel;

    // Also moved inside an outer transaction that may yet roll back: a total recounted early is harmless.
    private int Counted(int written)
    {
        if (written > 0)
            DataChanges.Saved(this);
        return written;
    }

    private bool AddAuditEntries()
    {
        ChangeTracker.DetectChanges();
        var entries = AuditRecorder.Collect(this, Actor, Now);
        AuditEntries.AddRange(entries);
        return entries.Count > 0;
    }
}
