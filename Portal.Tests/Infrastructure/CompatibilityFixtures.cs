using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Agents;
using AgentRow = Portal.Data.Agents.Agent;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Kernels.Results;

namespace Portal.Tests.Infrastructure;

/// <summary>A portal for the tests, runs and matrix API: submissions are not rate-limited (one class tests the limit).</summary>
public class CompatibilityPortal : PortalFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [.. base.Settings, new("Portal:Submissions:PermitLimit", "1000000")];
}

/// <summary>
/// Seed data for the tests, runs and matrix API: specs, tests, suites, agents with devices, runs and job outcomes, stored
/// directly (the agent protocol is not what these tests are about), so that each test starts from rows it knows.
/// </summary>
public static class CompatibilityFixtures
{
    /// <summary>
    /// Removes the built-in conformance suite loaded at start-up, for classes that count exactly the tests they add.
    /// </summary>
    public static Task RemoveBuiltInSuiteAsync(this PortalFactory portal) =>
        portal.WithDbAsync(async db =>
        {
            await db.CompatibilityTests.Where(t => t.Suite != null && t.Suite.BuiltIn).ExecuteDeleteAsync();
            return await db.TestSuites.Where(s => s.BuiltIn).ExecuteDeleteAsync();
        });

    public const string OpenClSource =
        "__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) " +
        "{ int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }";

    /// <summary>A valid vector_add spec in <paramref name="language"/> (opencl-c, cuda-c or triton), as a request body part.</summary>
    public static Dictionary<string, object?> VectorAddSpec(string language = "opencl-c")
    {
        var spec = new Dictionary<string, object?>
        {
            ["op"] = "vector_add",
            ["language"] = language,
            ["entry"] = "vector_add",
            ["args"] = new[] { "x", "y", "z", "n" },
            ["cases"] = new[] { new { n = 1 }, new { n = 1000 } },
        };
        switch (language)
        {
            case "cuda-c":
                spec["source"] = "extern \"C\" __global__ void vector_add(const float* x, const float* y, float* z, int n) " +
                                 "{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) z[i] = x[i] + y[i]; }";
                spec["launch"] = new { grid = new object[] { "ceil_div(n, 256)" }, block = new[] { 256 } };
                break;
            case "triton":
                spec["source"] = "import triton\n\n@triton.jit\ndef vector_add(x, y, z, n):\n    pass\n";
                spec["launch"] = new { grid = new object[] { "ceil_div(n, 1024)" } };
                break;
            default:
                spec["source"] = OpenClSource;
                spec["launch"] = new { global = new object[] { "ceil_div(n, 256) * 256" }, local = new[] { 256 } };
                break;
        }
        return spec;
    }

    /// <summary>The create body of a test; <paramref name="spec"/> defaults to an OpenCL C vector_add.</summary>
    public static Dictionary<string, object?> TestBody(string name, string visibility = "consortium", object? spec = null,
        Guid? organizationId = null, string[]? tags = null, string description = "") => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["visibility"] = visibility,
        ["tags"] = tags ?? [],
        ["spec"] = spec ?? VectorAddSpec(),
        ["organizationId"] = organizationId,
    };

    /// <summary>Stores a test as the API would (op and language copied out of the spec); answers its id.</summary>
    public static Task<Guid> AddTestAsync(this PortalFactory portal, string name, Guid? organizationId, TestVisibility visibility,
        string language = "opencl-c", string op = "vector_add", Guid? suiteId = null, string[]? tags = null, Guid? ownerUserId = null,
        string? dtype = null) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var spec = VectorAddSpec(language);
            spec["op"] = op;
            if (dtype is not null)
                spec["dtype"] = dtype;
            var test = new CompatibilityTest
            {
                Name = name, OrganizationId = organizationId, OwnerUserId = ownerUserId, Visibility = visibility, Tags = [.. tags ?? []],
                SuiteId = suiteId, Op = op, Language = language, Spec = SpecJson.Deserialize(JsonSerializer.Serialize(spec)), CreatedAt = now, UpdatedAt = now,
            };
            db.CompatibilityTests.Add(test);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return test.Id;
        });

    public static Task<Guid> AddSuiteAsync(this PortalFactory portal, string slug, string name, bool builtIn = false) =>
        portal.WithDbAsync(async db =>
        {
            var suite = new TestSuite { Slug = slug, Name = name, BuiltIn = builtIn, CreatedAt = portal.Time.GetUtcNow() };
            db.TestSuites.Add(suite);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return suite.Id;
        });

    /// <summary>An agent of <paramref name="organizationId"/>; online means it sent a heartbeat just now.</summary>
    public static Task<Guid> AddAgentAsync(this PortalFactory portal, Guid organizationId, string name, bool online = true) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var agent = new AgentRow
            {
                OrganizationId = organizationId, Name = name, TokenPrefix = "cpa_test", TokenHash = RandomNumberGenerator.GetBytes(32),
                RegisteredAt = now - TimeSpan.FromDays(2), LastHeartbeatAt = online ? now : now - TimeSpan.FromDays(1),
                AgentVersion = "1.0.0", EngineVersion = "engine-1",
            };
            db.Agents.Add(agent);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return agent.Id;
        });

    public static Task<Guid> AddDeviceAsync(this PortalFactory portal, Guid agentId, string name, Guid? skuId, params string[] languages) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var count = await db.AgentDevices.CountAsync(d => d.AgentId == agentId);
            var device = new AgentDevice
            {
                AgentId = agentId, LocalId = $"opencl:0:{count}", Name = name, Vendor = "Test", Runtime = "OpenCL", RuntimeVersion = "3.0",
                DriverVersion = "550.1", Languages = [.. languages], SkuId = skuId, FirstSeenAt = now, LastSeenAt = now,
            };
            db.AgentDevices.Add(device);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return device.Id;
        });

    /// <summary>A run of <paramref name="testId"/> with one queued job per target; answers the job ids in target order.</summary>
    public static Task<List<Guid>> AddRunAsync(this PortalFactory portal, Guid testId, Guid? requestedBy, params (Guid? Device, Guid? Sku)[] targets) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var language = await db.CompatibilityTests.Where(t => t.Id == testId).Select(t => t.Language).SingleAsync();
            var run = new TestRun { TestId = testId, RequestedByUserId = requestedBy, Reason = RunReason.Submitted, CreatedAt = now };
            run.Jobs.AddRange(targets.Select(t => new Job
            {
                TestId = testId, Language = language, TargetDeviceId = t.Device, TargetSkuId = t.Sku, Status = JobStatus.Queued,
                MaxAttempts = 3, CreatedAt = now,
            }));
            db.TestRuns.Add(run);
            await db.SaveChangesAsync();
            return run.Jobs.Select(j => j.Id).ToList();
        });

    public static Task UpdateJobAsync(this PortalFactory portal, Guid jobId, Action<Job> change) =>
        portal.WithDbAsync(async db =>
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == jobId);
            change(job);
            return await db.SaveChangesAsync();
        });

    /// <summary>Records an outcome as the queue does on completion: verdict, result document, SKU and provenance.</summary>
    public static Task CompleteJobAsync(this PortalFactory portal, Guid jobId, KernelStatus verdict, DateTimeOffset finishedAt, Guid? skuId,
        double medianMs = 1.0, double gbPerSecond = 100, bool verified = false, Guid? agentId = null, Guid? agentOrganizationId = null, Guid? deviceId = null) =>
        portal.UpdateJobAsync(jobId, job =>
        {
            var result = new KernelResult(verdict, verdict == KernelStatus.Passed ? "all cases match" : "case n=1000: 1 mismatch",
                Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, medianMs, medianMs, medianMs, medianMs, 0, medianMs,
                    gbPerSecond, 1.0));
            job.Status = JobStatus.Completed;
            job.Verdict = verdict.Name();
            job.Result = result;
            job.Attempts = Math.Max(job.Attempts, 1);
            job.StartedAt = finishedAt - TimeSpan.FromSeconds(5);
            job.FinishedAt = finishedAt;
            job.SkuId = skuId;
            job.Verified = verified;
            job.AgentId = agentId;
            job.AgentOrganizationId = agentOrganizationId;
            job.DeviceId = deviceId;
            job.DeviceName = "Test device";
            job.DriverVersion = "550.1";
            job.AgentVersion = "1.0.0";
            job.EngineVersion = "engine-1";
        });
}
