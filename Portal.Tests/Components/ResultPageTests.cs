using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Citations;
using Portal.Components.Pages.Results;
using Portal.Components.Pages.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>/results/{id}: the citable page of one result, linked from its run; a private test's result stays hidden.</summary>
public sealed class ResultPageTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly KernelResult Passed = new(KernelStatus.Passed, "all cases match",
        Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, 0.5, 0.4, 0.6, 0.5, 0.01, 0.7, 2400, 1.2));

    protected override void AddFeatureServices(IServiceCollection services)
    {
        base.AddFeatureServices(services);
        services.AddScoped<CitedResultService>();
    }

    [Fact]
    public async Task The_page_shows_who_measured_the_result_with_what_and_its_own_address_and_the_run_links_to_it()
    {
        var partner = await AddOrganizationAsync("Citable Lab");
        await SignInAsync(partner);
        var sku = await AddSkuAsync(partner, "Cite-1");
        var (agent, device) = await AddAgentAsync(partner, "Cite-1 rev B", sku);
        var (run, job) = await AddRunAsync(await AddTestAsync("cited add", partner), device, null);
        await UpdateJobAsync(job, j => Complete(j, Passed, sku, agent, partner, device, verified: true));

        var page = Render<ResultPage>(p => p.Add(r => r.Id, job));

        page.WaitForAssertion(() => Assert.Contains("cited add", page.Find("[data-testid=result-title]").TextContent), Wait);
        Assert.Equal("passed", page.Find("[data-testid=result-verdict]").GetAttribute("data-verdict"));
        Assert.Equal("verified", page.Find("[data-testid=result-attestation]").GetAttribute("data-attestation"));
        Assert.Equal("bench-01", page.Find("[data-testid=result-agent]").TextContent.Trim());
        Assert.Equal("Citable Lab", page.Find("[data-testid=result-organization]").TextContent.Trim());
        Assert.Equal(("550.1", "engine-1"), (page.Find("[data-testid=result-driver]").TextContent.Trim(), page.Find("[data-testid=result-engine]").TextContent.Trim()));
        Assert.EndsWith($"/results/{job}", page.Find("[data-testid=result-address]").TextContent);
        Assert.Equal($"/api/v1/results/{job}", page.Find("a[data-testid=result-json]").GetAttribute("href"));
        Assert.Equal($"/runs/{run}?job={job}", page.Find("a[data-testid=result-run]").GetAttribute("href"));

        var runPage = Render<RunDetail>(p => p.Add(r => r.Id, run));
        runPage.WaitForAssertion(() => Assert.Equal($"/results/{job}", runPage.Find("a[data-testid=job-citable-link]").GetAttribute("href")), Wait);
    }

    [Fact]
    public async Task Another_organisations_private_result_is_not_found_and_names_nothing_of_the_test()
    {
        var owner = await AddOrganizationAsync("Hidden Lab");
        var outsider = await AddOrganizationAsync("Curious Lab", OrganizationKind.Research);
        var (agent, device) = await AddAgentAsync(owner, "Hidden device", null);
        var test = await AddTestAsync("hidden fused kernel", owner);
        await InDbAsync(async db =>
        {
            var row = await db.CompatibilityTests.FindAsync(test);
            row!.Visibility = TestVisibility.Private;
            return await db.SaveChangesAsync();
        });
        var (_, job) = await AddRunAsync(test, device, null);
        await UpdateJobAsync(job, j => Complete(j, Passed, null, agent, owner, device));
        await SignInAsync(outsider);

        var page = Render<ResultPage>(p => p.Add(r => r.Id, job));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=result-missing]")), Wait);
        Assert.DoesNotContain("hidden fused kernel", page.Markup);
    }
}
