using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;

namespace Portal.Tests.Infrastructure;

/// <summary>Agents and work for queue tests, made the way the portal makes them: registration tokens, registration, device reports, runs.</summary>
public static class AgentFixtures
{
    public static readonly DeviceReport PoclCpu = new("opencl:0:0", "cpu-haswell-AMD EPYC 7B13", "AuthenticAMD", "opencl", "OpenCL 3.0 PoCL",
        "6.0", ["opencl-c"], 24L << 30, 2);

    public static DeviceReport Gpu(string localId, string name = "NVIDIA H200", string driver = "580.65") =>
        new(localId, name, "NVIDIA Corporation", "cuda", "CUDA 13.0", driver, ["cuda-c", "opencl-c"], 141L << 30, 132);

    /// <summary>A registration token for the organisation, created by a fresh admin of it through the service.</summary>
    public static Task<string> CreateRegistrationTokenAsync(this PortalFactory portal, Guid organizationId) =>
        portal.InScopeAsync(async services =>
        {
            var admin = await portal.CreateUserAsync("Agent admin", false, (organizationId, MemberRole.Admin));
            var caller = (await services.GetRequiredService<CallerResolver>().ResolveAsync(admin.Id, CancellationToken.None))!;
            var outcome = await services.GetRequiredService<RegistrationTokenService>()
                .CreateAsync(caller, new RegistrationTokenInput(organizationId, "tests", 30), CancellationToken.None);
            return outcome is Outcome<CreatedRegistrationTokenDto>.Success s ? s.Value.Token : throw new InvalidOperationException(outcome.ToString());
        });

    /// <summary>Registers an agent over HTTP and answers a client that carries its agent token, and its id.</summary>
    /// <remarks>New devices get the conformance suite queued (qualification); unless <paramref name="keepQualification"/>, those
    /// jobs are cancelled here, so that a test's own job is the only one its agent can lease.</remarks>
    public static async Task<(HttpClient Client, RegisteredAgent Agent)> RegisterAgentAsync(this PortalFactory portal, string registrationToken,
        string name = "test agent", bool keepQualification = false, params DeviceReport[] devices)
    {
        var anonymous = portal.CreateClient();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", registrationToken);
        var agent = await anonymous.PostJsonAsync("/api/v1/agents/register", new AgentRegistration(name, "host.test", "0.5.0", "0.5.0"))
            .ExpectAsync<RegisteredAgent>(HttpStatusCode.Created);
        var client = portal.CreateClientWithToken(agent.Token);
        if (devices.Length > 0)
            await client.PutJsonAsync("/api/v1/agent/devices", new DevicesReport(devices)).ExpectAsync(HttpStatusCode.OK);
        if (!keepQualification)
        {
            await portal.WithDbAsync(db => db.Jobs
                .Where(j => j.Run!.Reason == Portal.Data.Jobs.RunReason.Qualification && db.AgentDevices.Where(d => d.AgentId == agent.AgentId).Select(d => (Guid?)d.Id).Contains(j.TargetDeviceId))
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Cancelled)));
        }
        return (client, agent);
    }

    /// <summary>A consortium-wide vector_add test stored directly (the tests API has its own tests).</summary>
    public static Task<Guid> AddVectorAddTestAsync(this PortalFactory portal, string language = "opencl-c",
        TestVisibility visibility = TestVisibility.Consortium, Guid? organizationId = null) =>
        portal.WithDbAsync(async db =>
        {
            var now = portal.Time.GetUtcNow();
            var spec = $$"""
                {"op":"vector_add","language":"{{language}}","entry":"vector_add",
                 "source":"__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n) { int i = get_global_id(0); if (i < n) z[i] = x[i] + y[i]; }",
                 "args":["x","y","z","n"],"launch":{"global":["ceil_div(n, 64) * 64"],"local":[64]},"cases":[{"n":1000}]}
                """;
            var test = new CompatibilityTest
            {
                Name = $"vector_add {Guid.NewGuid():N}", Op = "vector_add", Language = language, Spec = SpecJson.Deserialize(spec), Visibility = visibility,
                OrganizationId = organizationId, CreatedAt = now, UpdatedAt = now,
            };
            db.CompatibilityTests.Add(test);
            db.Actor = Portal.Data.Audit.AuditActor.System;
            await db.SaveChangesAsync();
            return test.Id;
        });

    /// <summary>Queues a run of the test on the given targets through the submitter, as the runs API does.</summary>
    public static Task<Guid> SubmitAsync(this PortalFactory portal, Guid testId, params string[] targets) =>
        portal.InScopeAsync(async services =>
        {
            var db = services.GetRequiredService<Portal.Data.PortalDbContext>();
            var admin = await portal.CreateUserAsync("Submitter", consortiumAdmin: true);
            var caller = (await services.GetRequiredService<CallerResolver>().ResolveAsync(admin.Id, CancellationToken.None))!;
            var test = await db.CompatibilityTests.FindAsync(testId) ?? throw new InvalidOperationException("no such test");
            var outcome = await services.GetRequiredService<JobSubmitter>().SubmitTestRunAsync(caller, test, targets, CancellationToken.None);
            return outcome is Outcome<Guid>.Success s ? s.Value : throw new InvalidOperationException(outcome.ToString());
        });
}
