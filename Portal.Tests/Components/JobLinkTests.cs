using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Runs;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>/jobs/{id} (the matrix's cell links) opens the job's run with that job expanded, and only for who may see it.</summary>
public sealed class JobLinkTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_job_link_opens_its_run_with_the_job_expanded()
    {
        var lab = await AddOrganizationAsync("Link Lab");
        await SignInAsync(lab);
        var (_, device) = await AddAgentAsync(lab, "Link device", null);
        var (run, job) = await AddRunAsync(await AddTestAsync("linked add", lab), device, null);

        var page = Render<JobLink>(p => p.Add(l => l.JobId, job));

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith($"/runs/{run}?job={job}", navigation.Uri), Wait);
    }

    [Fact]
    public async Task A_job_of_another_organisations_private_test_is_not_found()
    {
        var owner = await AddOrganizationAsync("Secret Lab");
        var outsider = await AddOrganizationAsync("Outsider Lab", OrganizationKind.Research);
        var (_, device) = await AddAgentAsync(owner, "Secret device", null);
        var test = await AddTestAsync("secret add", owner);
        await InDbAsync(async db =>
        {
            var row = await db.CompatibilityTests.FindAsync(test);
            row!.Visibility = TestVisibility.Private;
            return await db.SaveChangesAsync();
        });
        var (_, job) = await AddRunAsync(test, device, null);
        await SignInAsync(outsider);

        var page = Render<JobLink>(p => p.Add(l => l.JobId, job));

        page.WaitForAssertion(() => Assert.Contains(job.ToString(), page.Find(".mud-alert").TextContent), Wait);
        Assert.DoesNotContain("/runs/", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
