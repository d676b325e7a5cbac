using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Matrix;
using Portal.Api.Runs;
using Portal.Api.Tests;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// A private test, with its runs, jobs and results, exists only for its organisation and consortium admins: everyone else
/// gets 404 wherever it could show up. Consortium tests are public to read, and open to everyone signed in to run.
/// </summary>
public sealed class TestVisibilityTests(TestVisibilityTests.Fixture portal) : IClassFixture<TestVisibilityTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Lab { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid PrivateTest { get; private set; }
        public Guid SharedTest { get; private set; }
        public Guid PrivateRun { get; private set; }
        public Guid PrivateJob { get; private set; }
        public TestUser Owner { get; private set; } = null!;
        public HttpClient OwnerClient { get; private set; } = null!;
        public HttpClient Outsider { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            Lab = await AddOrganizationAsync("Secret Lab");
            var fab = await AddOrganizationAsync("Curious Fab", OrganizationKind.ChipDesigner);
            Gpu = await this.AddSkuAsync(fab, "Visibility GPU", configure: SkuFixtures.H200);
            Owner = await CreateUserAsync("Owner", false, (Lab, MemberRole.Developer));
            OwnerClient = await CreateClientForAsync(Owner);
            Outsider = await CreateClientForAsync(await CreateUserAsync("Outsider", false, (fab, MemberRole.Admin)));
            Admin = await CreateClientForAsync(await CreateUserAsync("Consortium Admin", consortiumAdmin: true));
            PrivateTest = await this.AddTestAsync("unreleased kernel", Lab, TestVisibility.Private, ownerUserId: Owner.Id);
            SharedTest = await this.AddTestAsync("shared kernel", Lab, TestVisibility.Consortium, ownerUserId: Owner.Id);
            PrivateJob = (await this.AddRunAsync(PrivateTest, Owner.Id, (null, Gpu)))[0];
            await this.CompleteJobAsync(PrivateJob, KernelStatus.Passed, Time.GetUtcNow(), Gpu);
            PrivateRun = await WithDbAsync(db => db.Jobs.Where(j => j.Id == PrivateJob).Select(j => j.RunId).SingleAsync());
        }
    }

    [Fact]
    public async Task An_outsider_gets_404_for_a_private_test_its_runs_and_its_jobs()
    {
        await portal.Outsider.GetAsync($"/api/v1/tests/{portal.PrivateTest}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.GetAsync($"/api/v1/tests/{portal.PrivateTest}/runs").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.GetAsync($"/api/v1/runs/{portal.PrivateRun}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.PostJsonAsync($"/api/v1/tests/{portal.PrivateTest}/runs", new { targets = new[] { $"sku:{portal.Gpu}" } })
            .ExpectAsync(HttpStatusCode.NotFound);
        var body = CompatibilityFixtures.TestBody("mine now");
        body["version"] = 1u;
        await portal.Outsider.PutJsonAsync($"/api/v1/tests/{portal.PrivateTest}", body).ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.DeleteAsync($"/api/v1/tests/{portal.PrivateTest}").ExpectAsync(HttpStatusCode.NotFound);
        await portal.Outsider.DeleteAsync($"/api/v1/jobs/{portal.PrivateJob}").ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_outsider_finds_no_trace_of_a_private_test_in_lists_or_the_matrix()
    {
        var list = await portal.Outsider.GetJsonAsync<PagedList<TestListItem>>("/api/v1/tests");
        Assert.Equal(["shared kernel"], list.Items.Select(t => t.Name));
        var matrix = await portal.Outsider.GetJsonAsync<MatrixDto>("/api/v1/matrix");
        Assert.Equal(["shared kernel"], matrix.Tests.Select(t => t.Name));
        // The GPU that ran the private test may show as a column that claims the language, but as "not tested": its one
        // result is the private test's, which the outsider must not learn of.
        Assert.All(matrix.Skus, s => Assert.False(s.Tested, $"{s.Name} reads as tested"));
        Assert.DoesNotContain(matrix.Tests, t => t.Cells.ContainsKey(portal.Gpu));
    }

    [Fact]
    public async Task Its_organisation_and_a_consortium_admin_see_the_private_test_with_its_results()
    {
        foreach (var client in new[] { portal.OwnerClient, portal.Admin })
        {
            Assert.Equal("unreleased kernel", (await client.GetJsonAsync<TestDto>($"/api/v1/tests/{portal.PrivateTest}")).Name);
            var run = await client.GetJsonAsync<RunDto>($"/api/v1/runs/{portal.PrivateRun}");
            Assert.Equal("passed", Assert.Single(run.Jobs).Verdict);
            var matrix = await client.GetJsonAsync<MatrixDto>("/api/v1/matrix");
            Assert.Equal("passed", matrix.Tests.Single(t => t.Id == portal.PrivateTest).Cells[portal.Gpu].Verdict);
        }
    }

    [Fact]
    public async Task Anyone_signed_in_reads_and_runs_a_consortium_test_and_cancels_their_own_job()
    {
        Assert.Equal("shared kernel", (await portal.Outsider.GetJsonAsync<TestDto>($"/api/v1/tests/{portal.SharedTest}")).Name);
        var run = await portal.Outsider.PostJsonAsync($"/api/v1/tests/{portal.SharedTest}/runs", new { targets = new[] { $"sku:{portal.Gpu}" } })
            .ExpectAsync<RunDto>(HttpStatusCode.Created);
        await portal.Outsider.DeleteAsync($"/api/v1/jobs/{Assert.Single(run.Jobs).Id}").ExpectAsync(HttpStatusCode.OK);
        // A consortium test is public: a visitor reads it, but runs nothing.
        await portal.CreateAnonymousClient().GetAsync($"/api/v1/tests/{portal.SharedTest}").ExpectAsync(HttpStatusCode.OK);
        await portal.CreateAnonymousClient().PostJsonAsync($"/api/v1/tests/{portal.SharedTest}/runs", new { targets = new[] { $"sku:{portal.Gpu}" } })
            .ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
