using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Agents;
using Portal.Api.Memberships;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Details that belong to one organisation stay with it in shared lists: the agents list says only that a device runs
/// "a private test" for readers who may not open that test, and members' e-mail addresses are for co-members and
/// consortium admins.
/// </summary>
public sealed class PrivateDetailsTests(PrivateDetailsTests.Fixture portal) : IClassFixture<PrivateDetailsTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Device { get; private set; }
        public Guid PrivateTest { get; private set; }
        public Guid RunningJob { get; private set; }
        public Guid FinishedJob { get; private set; }
        public Guid SharedJob { get; private set; }
        public TestUser LabDeveloper { get; private set; } = null!;
        public TestUser LabAdmin { get; private set; } = null!;
        public HttpClient LabClient { get; private set; } = null!;
        public HttpClient AgentOwner { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            Lab = await AddOrganizationAsync("Secret Lab", OrganizationKind.ChipDesigner);
            var fab = await AddOrganizationAsync("Rack Operator", OrganizationKind.DatacenterOperator);
            LabDeveloper = await CreateUserAsync("Lab developer", false, (Lab, MemberRole.Developer));
            LabAdmin = await CreateUserAsync("Lab admin", false, (Lab, MemberRole.Admin));
            LabClient = await CreateClientForAsync(LabDeveloper);
            AgentOwner = await CreateClientForAsync(await CreateUserAsync("Rack admin", false, (fab, MemberRole.Admin)));
            Outsider = await CreateClientForAsync(await CreateUserAsync("Loner"));
            Admin = await CreateClientForAsync(await CreateUserAsync("Consortium admin", consortiumAdmin: true));

            // The lab's private test runs on the operator's agent: one job finished, one still running.
            var gpu = await this.AddSkuAsync(fab, "Rack GPU", configure: SkuFixtures.H200);
            var agent = await this.AddAgentAsync(fab, "rack-1");
            Device = await this.AddDeviceAsync(agent, "NVIDIA H200", gpu, "opencl-c", "cuda-c");
            PrivateTest = await this.AddTestAsync("unreleased kernel", Lab, TestVisibility.Private, language: "cuda-c", ownerUserId: LabDeveloper.Id);
            var shared = await this.AddTestAsync("shared kernel", Lab, TestVisibility.Consortium, ownerUserId: LabDeveloper.Id);
            FinishedJob = (await this.AddRunAsync(PrivateTest, LabDeveloper.Id, (Device, null)))[0];
            await this.CompleteJobAsync(FinishedJob, KernelStatus.Failed, Time.GetUtcNow(), gpu, agentId: agent, agentOrganizationId: fab, deviceId: Device);
            SharedJob = (await this.AddRunAsync(shared, LabDeveloper.Id, (Device, null)))[0];
            await this.CompleteJobAsync(SharedJob, KernelStatus.Passed, Time.GetUtcNow() - TimeSpan.FromMinutes(1), gpu, agentId: agent,
                agentOrganizationId: fab, deviceId: Device);
            RunningJob = (await this.AddRunAsync(PrivateTest, LabDeveloper.Id, (Device, null)))[0];
            await this.UpdateJobAsync(RunningJob, job =>
            {
                job.Status = JobStatus.Running;
                job.DeviceId = Device;
                job.AgentId = agent;
                job.LeasedAt = Time.GetUtcNow();
            });
        }
    }

    private async Task<(AgentDeviceDto Device, string Raw)> DeviceAsSeenByAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/agents").ExpectAsync(HttpStatusCode.OK);
        var raw = await response.Content.ReadAsStringAsync();
        var agents = System.Text.Json.JsonSerializer.Deserialize<List<AgentDto>>(raw, ApiJson.Options)!;
        return (agents.SelectMany(a => a.Devices).Single(d => d.Id == portal.Device), raw);
    }

    [Fact]
    public async Task The_agents_list_shows_a_reader_who_may_not_open_a_private_test_only_that_the_device_is_busy()
    {
        var privateIds = await portal.WithDbAsync(async db =>
        {
            var jobs = await db.Jobs.Where(j => j.TestId == portal.PrivateTest).Select(j => new { j.Id, j.RunId }).ToListAsync();
            return jobs.SelectMany(j => new[] { j.Id, j.RunId }).Append(portal.PrivateTest).Select(id => id.ToString()).ToList();
        });

        foreach (var client in new[] { portal.Outsider, portal.AgentOwner })
        {
            var (device, raw) = await DeviceAsSeenByAsync(client);

            var current = device.CurrentJob!;
            Assert.Equal((true, "(private test)", "running"), (current.Private, current.TestName, current.Status));
            Assert.Equal((null, null, null, null, null), (current.JobId, current.RunId, current.TestId, current.Language, current.Verdict));
            // Only the consortium test's outcome is listed; the private one leaves no verdict, id or language behind.
            Assert.Equal([(portal.SharedJob, "passed")], device.LastResults.Select(r => (r.JobId!.Value, r.Verdict!)));
            Assert.All(privateIds, id => Assert.DoesNotContain(id, raw, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("\"language\":\"cuda-c\"", raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_tests_organisation_and_consortium_admins_see_the_private_jobs_on_the_agents_list()
    {
        foreach (var client in new[] { portal.LabClient, portal.Admin })
        {
            var (device, _) = await DeviceAsSeenByAsync(client);

            Assert.Equal((false, portal.RunningJob, "unreleased kernel", "cuda-c"),
                (device.CurrentJob!.Private, device.CurrentJob.JobId!.Value, device.CurrentJob.TestName, device.CurrentJob.Language));
            Assert.Equal([(portal.FinishedJob, "failed"), (portal.SharedJob, "passed")], device.LastResults.Select(r => (r.JobId!.Value, r.Verdict!)));
        }
    }

    [Fact]
    public async Task Members_e_mail_addresses_are_shown_to_co_members_and_consortium_admins_and_names_to_everyone_else()
    {
        var url = $"/api/v1/organizations/{portal.Lab}/members";
        foreach (var client in new[] { portal.LabClient, portal.Admin })
        {
            var members = await client.GetJsonAsync<List<MemberDto>>(url);
            Assert.Equal([("Lab admin", portal.LabAdmin.Email), ("Lab developer", portal.LabDeveloper.Email)],
                members.Select(m => (m.DisplayName, m.Email)).OrderBy(m => m.DisplayName));
        }
        foreach (var client in new[] { portal.Outsider, portal.AgentOwner })
        {
            var response = await client.GetAsync(url).ExpectAsync(HttpStatusCode.OK);
            var raw = await response.Content.ReadAsStringAsync();
            var members = System.Text.Json.JsonSerializer.Deserialize<List<MemberDto>>(raw, ApiJson.Options)!;
            Assert.Equal([("Lab admin", null), ("Lab developer", null)], members.Select(m => (m.DisplayName, m.Email)).OrderBy(m => m.DisplayName));
            Assert.DoesNotContain("@users.test", raw, StringComparison.Ordinal);
        }
    }
}
