using System.Security.Cryptography;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;

namespace Portal.Tests.Infrastructure;

/// <summary>Agents, devices, jobs and people stored directly, as known data for the agent and conformance components' tests.</summary>
public static class AgentRows
{
    public static async Task<Guid> UserAsync(PortalDbContext db, string name, params (Guid Organization, MemberRole Role)[] memberships)
    {
        var user = new PortalUser { UserName = $"{Guid.NewGuid():N}@users.test", DisplayName = name, CreatedAt = db.Now };
        db.Users.Add(user);
        db.Memberships.AddRange(memberships.Select(m => new Membership { OrganizationId = m.Organization, UserId = user.Id, Role = m.Role, JoinedAt = db.Now }));
        await SaveAsync(db);
        return user.Id;
    }

    /// <param name="heartbeatAgo">How long ago its last heartbeat was (online within a minute).</param>
    public static async Task<Guid> AgentAsync(PortalDbContext db, Guid organizationId, string name, TimeSpan heartbeatAgo, params AgentDevice[] devices)
    {
        var agent = new Portal.Data.Agents.Agent
        {
            OrganizationId = organizationId, Name = name, Hostname = $"{name}.host", AgentVersion = "0.5.0", EngineVersion = "0.5.1",
            TokenPrefix = "cpa_test", TokenHash = RandomNumberGenerator.GetBytes(32), RegisteredAt = db.Now, LastHeartbeatAt = db.Now - heartbeatAgo,
        };
        db.Agents.Add(agent);
        foreach (var device in devices)
        {
            device.AgentId = agent.Id;
            device.FirstSeenAt = device.LastSeenAt = db.Now;
            db.AgentDevices.Add(device);
        }
        await SaveAsync(db);
        return agent.Id;
    }

    public static AgentDevice Device(string localId, string name, Guid? skuId = null, bool setByHand = false) => new()
    {
        LocalId = localId, Name = name, Runtime = "cuda", RuntimeVersion = "CUDA 13.0", DriverVersion = "580.65", Languages = ["cuda-c", "opencl-c"],
        SkuId = skuId, SkuSetByHand = setByHand,
    };

    /// <summary>A consortium-wide test with one run; answers both ids.</summary>
    public static async Task<(Guid Test, Guid Run)> TestRunAsync(PortalDbContext db, string name, string op = "vector_add", string language = "opencl-c")
    {
        var test = new CompatibilityTest
        {
            Name = name, Op = op, Language = language, Spec = SpecJson.Deserialize("{}"), Visibility = TestVisibility.Consortium, CreatedAt = db.Now, UpdatedAt = db.Now,
        };
        var run = new TestRun { TestId = test.Id, CreatedAt = db.Now };
        db.CompatibilityTests.Add(test);
        db.TestRuns.Add(run);
        await SaveAsync(db);
        return (test.Id, run.Id);
    }

    /// <summary>A job of the run on the device: running (no verdict), or completed with the verdict and the device's SKU as provenance.</summary>
    /// <summary>A qualification run of a suite (no test of its own: its jobs name theirs).</summary>
    public static async Task<Guid> QualificationRunAsync(PortalDbContext db)
    {
        var suite = new TestSuite { Slug = $"suite-{Guid.NewGuid():N}", Name = "Suite", CreatedAt = db.Now };
        var run = new TestRun { SuiteId = suite.Id, Reason = RunReason.Qualification, CreatedAt = db.Now };
        db.TestSuites.Add(suite);
        db.TestRuns.Add(run);
        await SaveAsync(db);
        return run.Id;
    }

    public static async Task<Guid> JobAsync(PortalDbContext db, Guid runId, Guid testId, string language, Guid deviceId, string? verdict,
        Guid? skuId = null, string driver = "580.65", DateTimeOffset? finishedAt = null)
    {
        var job = new Job
        {
            RunId = runId, TestId = testId, Language = language, TargetDeviceId = deviceId, DeviceId = deviceId, CreatedAt = db.Now, MaxAttempts = 3,
            Attempts = 1, LeasedAt = db.Now, Status = verdict is null ? JobStatus.Running : JobStatus.Completed, Verdict = verdict,
            FinishedAt = verdict is null ? null : finishedAt ?? db.Now, SkuId = skuId, DriverVersion = driver,
            Result = verdict is null ? null : KernelResultJson.Deserialize($$"""{"status":"{{verdict}}","message":"m"}"""),
        };
        db.Jobs.Add(job);
        await SaveAsync(db);
        return job.Id;
    }

    private static Task<int> SaveAsync(PortalDbContext db)
    {
        db.Actor = AuditActor.System;
        return db.SaveChangesAsync();
    }
}
