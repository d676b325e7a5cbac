using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Agents;
using Portal.Api.Jobs;
using Portal.Api.Matrix;
using Portal.Api.Runs;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Components.Tests;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Agents;
using AgentRow = Portal.Data.Agents.Agent;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// bUnit for the tests, runs and matrix pages: their services (the job signals listening on the test database), the
/// editor's JavaScript module, and rows stored directly, so that each test starts from data it knows.
/// </summary>
public abstract class CompatibilityComponentContext : DatabaseComponentContext
{
    protected override void AddFeatureServices(IServiceCollection services)
    {
        services.AddOptions<JobQueueOptions>();
        services.AddSingleton<JobSignals>().AddSingleton<RunEventBatch>().AddSingleton<JobQueue>();
        services.AddScoped<JobSubmitter>().AddScoped<AgentService>().AddScoped<Portal.Api.Ops.SavedOpService>().AddScoped<CompatibilityTestService>().AddScoped<RunService>()
            .AddScoped<MatrixService>().AddScoped<SkuService>().AddScoped<Portal.Api.Charts.ChartDataService>().AddSingleton<SubmissionLimiter>();
        services.AddOptions<SubmissionOptions>();
        // The editor's module is JavaScript; here only its calls are recorded.
        JSInterop.SetupModule("./" + CodeEditor.ModulePath);
    }

    protected PortalDbContext NewDb(out AsyncServiceScope scope)
    {
        scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Actor = AuditActor.System;
        return db;
    }

    protected async Task<T> InDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        var db = NewDb(out var scope);
        await using (scope)
            return await work(db);
    }

    /// <summary>Signs in as a new user, member of <paramref name="organizationId"/> when given; answers the user's id.</summary>
    protected async Task<Guid> SignInAsync(Guid? organizationId, MemberRole role = MemberRole.Developer, bool consortiumAdmin = false)
    {
        var email = $"{Guid.NewGuid():N}@users.test";
        var user = new PortalUser { UserName = email, Email = email, DisplayName = "Component tester", IsConsortiumAdmin = consortiumAdmin, CreatedAt = DateTimeOffset.UtcNow };
        await InDbAsync(async db =>
        {
            db.Users.Add(user);
            if (organizationId is { } id)
                db.Memberships.Add(new Membership { OrganizationId = id, UserId = user.Id, Role = role, JoinedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()));
        return user.Id;
    }

    protected Task<Guid> AddOrganizationAsync(string name, OrganizationKind kind = OrganizationKind.ChipDesigner) => InDbAsync(async db =>
    {
        var organization = new Organization { Name = name, Kind = kind, Country = "KR", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        return organization.Id;
    });

    protected Task<Guid> AddSkuAsync(Guid vendorId, string name, double? bandwidthTbs = null) => InDbAsync(async db =>
    {
        var sku = new HardwareSku
        {
            VendorId = vendorId, Name = name, Category = SkuCategory.Gpu, Lifecycle = SkuLifecycle.Ga, MemoryBandwidthTbs = bandwidthTbs,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.HardwareSkus.Add(sku);
        await db.SaveChangesAsync();
        return sku.Id;
    });

    /// <summary>A consortium-visible test of <paramref name="organizationId"/> with the fixtures' vector_add spec.</summary>
    protected Task<Guid> AddTestAsync(string name, Guid? organizationId, string language = "opencl-c", string op = "vector_add", Guid? suiteId = null) =>
        InDbAsync(async db =>
        {
            var spec = CompatibilityFixtures.VectorAddSpec(language);
            spec["op"] = op;
            var test = new CompatibilityTest
            {
                Name = name, OrganizationId = organizationId, Visibility = TestVisibility.Consortium, Op = op, Language = language, SuiteId = suiteId,
                Spec = SpecJson.Deserialize(JsonSerializer.Serialize(spec)), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.CompatibilityTests.Add(test);
            await db.SaveChangesAsync();
            return test.Id;
        });

    /// <summary>An online agent of <paramref name="organizationId"/> with one OpenCL device mapped to <paramref name="skuId"/>; answers both ids.</summary>
    protected Task<(Guid Agent, Guid Device)> AddAgentAsync(Guid organizationId, string deviceName, Guid? skuId) => InDbAsync(async db =>
    {
        var agent = new AgentRow
        {
            OrganizationId = organizationId, Name = "bench-01", TokenPrefix = "cpa_test", TokenHash = RandomNumberGenerator.GetBytes(32),
            RegisteredAt = DateTimeOffset.UtcNow, LastHeartbeatAt = DateTimeOffset.UtcNow, AgentVersion = "1.0.0", EngineVersion = "engine-1",
        };
        var device = new AgentDevice
        {
            Agent = agent, LocalId = "opencl:0:0", Name = deviceName, Vendor = "Test", Runtime = "OpenCL", RuntimeVersion = "3.0", DriverVersion = "550.1",
            Languages = ["opencl-c"], SkuId = skuId, FirstSeenAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow,
        };
        db.AgentDevices.Add(device);
        await db.SaveChangesAsync();
        return (agent.Id, device.Id);
    });

    /// <summary>A submitted run of the test with one queued job on the device; answers the run and job ids.</summary>
    protected Task<(Guid Run, Guid Job)> AddRunAsync(Guid testId, Guid deviceId, Guid? requestedBy) => InDbAsync(async db =>
    {
        var run = new TestRun { TestId = testId, RequestedByUserId = requestedBy, Reason = RunReason.Submitted, CreatedAt = DateTimeOffset.UtcNow };
        var job = new Job { TestId = testId, Language = "opencl-c", TargetDeviceId = deviceId, Status = JobStatus.Queued, MaxAttempts = 3, CreatedAt = DateTimeOffset.UtcNow };
        run.Jobs.Add(job);
        db.TestRuns.Add(run);
        await db.SaveChangesAsync();
        return (run.Id, job.Id);
    });

    protected Task UpdateJobAsync(Guid jobId, Action<Job> change) => InDbAsync(async db =>
    {
        var job = await db.Jobs.SingleAsync(j => j.Id == jobId);
        change(job);
        return await db.SaveChangesAsync();
    });

    /// <summary>Records an outcome as the queue does on completion: verdict, result, SKU and provenance.</summary>
    protected static void Complete(Job job, KernelResult result, Guid? skuId, Guid agentId, Guid organizationId, Guid deviceId, bool verified = false)
    {
        job.Status = JobStatus.Completed;
        job.Verdict = result.Status.Name();
        job.Result = result;
        job.Attempts = Math.Max(job.Attempts, 1);
        job.StartedAt ??= DateTimeOffset.UtcNow;
        job.FinishedAt = DateTimeOffset.UtcNow;
        (job.SkuId, job.AgentId, job.AgentOrganizationId, job.DeviceId, job.DeviceName) = (skuId, agentId, organizationId, deviceId, "Test device");
        (job.DriverVersion, job.AgentVersion, job.EngineVersion, job.Verified) = ("550.1", "1.0.0", "engine-1", verified);
    }

    /// <summary>Starts the job signals (a hosted service in the portal) and waits until they listen on the database.</summary>
    protected async Task<JobSignals> StartSignalsAsync()
    {
        var signals = Services.GetRequiredService<JobSignals>();
        await signals.StartAsync(CancellationToken.None);
        if (!SpinWait.SpinUntil(() => signals.Listening, TimeSpan.FromSeconds(10)))
            throw new TimeoutException("The job signals did not start listening.");
        return signals;
    }
}
