using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Jobs;

internal sealed class TestRunConfiguration : IEntityTypeConfiguration<TestRun>
{
    public void Configure(EntityTypeBuilder<TestRun> builder)
    {
        builder.ToTable("test_runs", t => t.HasCheckConstraint("ck_test_runs_subject", "test_id is not null or suite_id is not null"));
        builder.Property(r => r.Reason).HasConversion<SnakeCaseEnumConverter<RunReason>>().HasMaxLength(20);
        builder.HasOne(r => r.Test).WithMany().HasForeignKey(r => r.TestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(r => r.Suite).WithMany().HasForeignKey(r => r.SuiteId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.TestId);
        builder.HasIndex(r => r.SuiteId);
        builder.HasIndex(r => r.RequestedByUserId);
    }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs", t =>
        {
            t.HasCheckConstraint("ck_jobs_target", "target_device_id is not null or target_sku_id is not null");
            t.HasCheckConstraint("ck_jobs_attempts", "attempts >= 0 and max_attempts >= 1");
        });
        // Raw SQL in JobQueueSql compares these strings: the converter keeps them snake_case.
        builder.Property(j => j.Status).HasConversion<SnakeCaseEnumConverter<JobStatus>>().HasMaxLength(20);
        builder.Property(j => j.Language).HasMaxLength(20);
        builder.Property(j => j.Verdict).HasMaxLength(20);
        // JobQueue.CompleteAsync writes it as KernelResultJson text; EF reads it back as the contract's record.
        builder.Property(j => j.Result!).IsJsonb(KernelResultJson.Serialize, KernelResultJson.Deserialize);
        // JobQueue.ExtendAsync writes it as the agent protocol's JSON.
        builder.Property(j => j.Progress!).IsJsonb(
            p => System.Text.Json.JsonSerializer.Serialize(p, AgentProtocol.Json),
            text => System.Text.Json.JsonSerializer.Deserialize<JobProgress>(text, AgentProtocol.Json));
        builder.Property(j => j.FailureReason).HasMaxLength(1000);
        builder.Property(j => j.DeviceName).HasMaxLength(300);
        builder.Property(j => j.DriverVersion).HasMaxLength(200);
        builder.Property(j => j.AgentVersion).HasMaxLength(100);
        builder.Property(j => j.EngineVersion).HasMaxLength(100);
        // Raw SQL in JobQueue.CompleteAsync writes these: snake_case text, as the status.
        builder.Property(j => j.SuspectFigure).HasConversion<SnakeCaseEnumConverter<TimingFigure>>().HasMaxLength(20);
        builder.Property(j => j.SuspectLimitSource).HasConversion<SnakeCaseEnumConverter<TimingLimitSource>>().HasMaxLength(20);
        builder.Property(j => j.ResultSignature).HasMaxLength(100);
        builder.Property(j => j.SpecSha256).HasMaxLength(64);
        builder.HasOne(j => j.Bundle).WithMany().HasForeignKey(j => j.BundleId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(j => j.BundleId).HasFilter("bundle_id is not null");
        builder.HasOne(j => j.Run).WithMany(r => r.Jobs).HasForeignKey(j => j.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(j => j.Test).WithMany().HasForeignKey(j => j.TestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(j => j.Agent).WithMany().HasForeignKey(j => j.AgentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(j => j.Device).WithMany().HasForeignKey(j => j.DeviceId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Portal.Data.Agents.AgentDevice>().WithMany().HasForeignKey(j => j.TargetDeviceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Portal.Data.Skus.HardwareSku>().WithMany().HasForeignKey(j => j.TargetSkuId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Portal.Data.Skus.HardwareSku>().WithMany().HasForeignKey(j => j.SkuId).OnDelete(DeleteBehavior.SetNull);

        // The lease query reads the queued jobs of one target, oldest first: (target, status, created_at, id) leads it
        // straight to them in order, whatever the history holds, and serves the cascade when a device or SKU goes. Each
        // index holds only the jobs aimed at its kind of target, so a job update writes one of the two. Earlier
        // partial indexes on status = 'queued' alone let the planner, with statistics taken before a burst of
        // submissions, read one kind's index to find the other's jobs: the whole queue on every lease.
        // Fair first (FairRank), then oldest: the order the lease reads them in.
        builder.HasIndex(j => new { j.TargetDeviceId, j.Status, j.FairRank, j.CreatedAt, j.Id }).HasFilter("target_device_id is not null")
            .HasDatabaseName("ix_jobs_device_queue");
        builder.HasIndex(j => new { j.TargetSkuId, j.Status, j.FairRank, j.CreatedAt, j.Id }).HasFilter("target_sku_id is not null")
            .HasDatabaseName("ix_jobs_sku_queue");
        // The reaper gives up on jobs queued too long, and the operations page shows the oldest: only queued jobs, by age.
        // "attempts >= 0" is always true (ck_jobs_attempts) and is there so that only a query that says it can use this
        // index. With "status = 'queued'" alone, the lease statement could read it too: planned with statistics from before
        // a burst of submissions (an empty queue), this small index looked cheapest, and a lease read the whole queue
        // through it, 6 ms instead of 0.1 ms, for 1 lease in 20 (docs/benchmarks.md). Queries that want it add
        // JobIndexes.QueuedByAgeSql (SQL) or j.Attempts >= 0 (LINQ).
        builder.HasIndex(j => j.CreatedAt).HasFilter(JobIndexes.QueuedByAgeSql).HasDatabaseName("ix_jobs_queued_age");
        // The reaper reads only held jobs by expiry, and retrying ones by due time.
        builder.HasIndex(j => j.LeaseExpiresAt).HasFilter($"status in ('{JobStatuses.LeasedName}', '{JobStatuses.RunningName}')").HasDatabaseName("ix_jobs_held");
        builder.HasIndex(j => j.RetryAt).HasFilter($"status = '{JobStatuses.RetryingName}'").HasDatabaseName("ix_jobs_retrying");
        builder.HasIndex(j => j.RunId);
        builder.HasIndex(j => j.TestId);
        builder.HasIndex(j => j.AgentId);
        builder.HasIndex(j => j.DeviceId);
        // The matrix and conformance profiles read the latest verdict per test and SKU.
        builder.HasIndex(j => new { j.SkuId, j.TestId, j.FinishedAt }).HasFilter($"status = '{JobStatuses.CompletedName}'").HasDatabaseName("ix_jobs_verdicts");
    }
}

internal sealed class JobFairShareConfiguration : IEntityTypeConfiguration<JobFairShare>
{
    public void Configure(EntityTypeBuilder<JobFairShare> builder)
    {
        builder.ToTable("job_fair_shares");
        builder.HasKey(s => new { s.PoolId, s.OrganizationId });
    }
}

internal sealed class ResultBundleConfiguration : IEntityTypeConfiguration<ResultBundle>
{
    public void Configure(EntityTypeBuilder<ResultBundle> builder)
    {
        builder.ToTable("result_bundles");
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.Signature).HasMaxLength(100);
        builder.Property(b => b.EngineVersion).HasMaxLength(100);
        builder.HasOne(b => b.Agent).WithMany().HasForeignKey(b => b.AgentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => b.AgentId);
        builder.HasOne<TestRun>().WithMany().HasForeignKey(b => b.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => b.RunId);
    }
}
