using System.Net;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Found by the API fuzz test (issue 10): device reports that stored the same device twice answered 500.</summary>
public sealed class DeviceReportTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<HttpClient> AgentAsync()
    {
        var partner = await portal.AddOrganizationAsync($"Report Partner {Guid.NewGuid():N}", OrganizationKind.ChipDesigner);
        var (agent, _) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(partner));
        return agent;
    }

    private static DevicesReport Report(string id) => new([AgentFixtures.PoclCpu with { Id = id }], "host.test");

    [Fact]
    public async Task Reports_of_one_agent_sent_at_the_same_time_all_succeed_and_store_the_device_once()
    {
        var agent = await AgentAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => agent.PutJsonAsync("/api/v1/agent/devices", Report("opencl:7:0"))));

        foreach (var answer in answers)
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        Assert.Equal(1, await portal.WithDbAsync(db => Task.FromResult(db.AgentDevices.Count(d => d.LocalId == "opencl:7:0"))));
    }

    [Fact]
    public async Task A_device_id_with_spaces_around_it_is_the_same_device_on_the_next_report()
    {
        var agent = await AgentAsync();
        await agent.PutJsonAsync("/api/v1/agent/devices", Report(" opencl:8:0 ")).ExpectAsync(HttpStatusCode.OK);
        var again = await agent.PutJsonAsync("/api/v1/agent/devices", Report(" opencl:8:0 ")).ExpectAsync<ReportedDevice[]>(HttpStatusCode.OK);

        Assert.Equal("opencl:8:0", Assert.Single(again).Id);
    }

    [Fact]
    public async Task A_device_id_longer_than_the_portal_keeps_is_refused_naming_it()
    {
        var agent = await AgentAsync();
        var problem = await agent.PutJsonAsync("/api/v1/agent/devices", Report(new string('d', 101))).ExpectValidationProblemAsync();

        Assert.Equal(["devices[0].id"], problem.Errors.Keys);
    }
}
