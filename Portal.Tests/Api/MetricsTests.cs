using System.Net;
using System.Text.RegularExpressions;
using Portal.Api.Jobs;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Runs alone: the queue's counters are process-wide, so another portal completing jobs at the same time would count here too.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (alone)";
}

/// <summary>/metrics in Prometheus format: the queue's series after a lease and a completion, HTTP and database timings, and no private names.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsTests.Fixture portal) : IClassFixture<MetricsTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Partner { get; private set; }
        public string PartnerToken { get; private set; } = "";

        protected override async Task StartedAsync()
        {
            Partner = await AddOrganizationAsync("Metrics Partner", OrganizationKind.ChipDesigner);
            PartnerToken = await this.CreateRegistrationTokenAsync(Partner);
        }
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Sample(string scrape, string name, params string[] labels)
    {
        var values = scrape.Split('\n')
            .Select(line => Regex.Match(line, @"^(?<name>[a-zA-Z_:][\w:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)"))
            .Where(m => m.Success && m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Select(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(values.Count == 1, $"{values.Count} samples of {name} {{{string.Join(",", labels)}}} in:\n{scrape}");
        return values[0];
    }

    [Fact]
    public async Task A_scrape_after_a_lease_and_a_completion_has_the_queue_series_and_http_and_database_timings_without_private_names()
    {
        var (agent, registered) = await portal.RegisterAgentAsync(portal.PartnerToken, "metrics agent", devices: AgentFixtures.PoclCpu);
        const string privateName = "secret-metrics-test-name";
        var test = await portal.AddTestAsync(privateName, portal.Partner, TestVisibility.Private);
        var device = await portal.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.AgentDevices.Where(d => d.AgentId == registered.AgentId).Select(d => d.Id)));
        await portal.AddRunAsync(test, null, (device, null), (device, null), (device, null));

        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["opencl:0:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.Failed, "1 mismatch")))
            .ExpectAsync(HttpStatusCode.OK);
        // Repeated (its answer was lost): not counted twice.
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.Failed, "1 mismatch")))
            .ExpectAsync(HttpStatusCode.OK);

        // Open, like /health: no token.
        var response = await portal.CreateAnonymousClient().GetAsync("/metrics").ExpectAsync(HttpStatusCode.OK);
        var scrape = await response.Content.ReadAsStringAsync();

        Assert.Equal(2, Sample(scrape, "portal_queue_depth", "language=\"opencl-c\""));
        Assert.Equal(0, Sample(scrape, "portal_queue_depth", "language=\"cuda-c\""));
        Assert.Equal(1, Sample(scrape, "portal_queue_jobs_completed_total", "status=\"failed\""));
        Assert.Equal(1, Sample(scrape, "portal_queue_lease_duration_seconds_count", "outcome=\"leased\""));
        Assert.True(Sample(scrape, "portal_queue_lease_duration_seconds_sum", "outcome=\"leased\"") > 0);
        Assert.Equal(1, Sample(scrape, "http_server_request_duration_seconds_count", "http_route=\"/api/v1/agent/lease\"", "http_response_status_code=\"200\""));
        Assert.Contains("db_client_operation_duration_seconds_count{", scrape);
        Assert.DoesNotContain(privateName, scrape);
        Assert.DoesNotContain(portal.Database.Name, scrape);
    }
}
