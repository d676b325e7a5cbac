using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Operations;
using Portal.Components.Layout;
using Portal.Components.Pages.Operations;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The operations page against a real database: what a consortium admin sees, what everyone else is told, and retry.</summary>
public sealed class OperationsPageTests : DatabaseComponentContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected override void AddFeatureServices(IServiceCollection services)
    {
        services.AddOptions<JobQueueOptions>();
        services.AddSingleton<RunEventBatch>().AddSingleton<JobQueue>();
        services.AddScoped<OperationsService>();
    }

    [Fact]
    public async Task An_admin_sees_the_depth_per_language_and_sku_and_a_failed_job_with_its_reason()
    {
        var vendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Page Vendor", OrganizationKind.ChipDesigner, "KR"));
        var sku = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "Page GPU", SkuCategory.Gpu));
        var (test, run) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "page test", language: "triton"));
        await WithDbAsync(db => QueuedAsync(db, run, test, "triton", sku, JobStatus.Queued));
        await WithDbAsync(db => QueuedAsync(db, run, test, "triton", sku, JobStatus.Queued));
        await WithDbAsync(db => QueuedAsync(db, run, test, "triton", sku, JobStatus.Failed, "the lease expired on each of 3 attempt(s)"));
        await SignInAsync("Admin", consortiumAdmin: true);

        var page = Render<OperationsPage>();

        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=depth-language][data-language=triton] [data-testid=depth-queued]").TextContent), Patience);
        Assert.Equal("0", page.Find("[data-testid=depth-language][data-language=opencl-c] [data-testid=depth-queued]").TextContent);
        Assert.Contains("Page GPU", page.Find("[data-testid=depth-skus]").TextContent);
        Assert.Contains("the lease expired on each of 3 attempt(s)", page.Find("[data-testid=failed-reason]").TextContent);
        Assert.NotNull(page.Find("[data-testid=leases-empty]"));
    }

    [Fact]
    public async Task With_nothing_queued_or_failed_the_page_says_what_would_appear_and_what_to_do()
    {
        await SignInAsync("Admin", consortiumAdmin: true);

        var page = Render<OperationsPage>();

        page.WaitForAssertion(() => Assert.Contains("No job has failed", page.Find("[data-testid=failed-empty]").TextContent), Patience);
        Assert.Contains("attach an agent", page.Find("[data-testid=depth-skus-empty]").TextContent);
        Assert.Contains("being extended on time", page.Find("[data-testid=leases-empty]").TextContent);
    }

    [Fact]
    public async Task Someone_who_is_not_a_consortium_admin_is_refused_and_has_no_link_to_the_page()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Page Partner", OrganizationKind.ChipDesigner, "KR"));
        await SignInAsync("Partner admin", false, (partner, MemberRole.Admin));

        var page = Render<OperationsPage>();
        var nav = Render<NavMenu>();

        page.WaitForAssertion(() => Assert.Contains("Only consortium admins", page.Find("[data-testid=operations-refused]").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=failed-empty]"));
        nav.WaitForAssertion(() => Assert.Contains("/agents", nav.Markup), Patience);
        Assert.Empty(nav.FindAll("[data-testid=nav-operations]"));
    }

    [Fact]
    public async Task An_admin_has_the_link_and_retry_puts_the_failed_job_back_in_the_queue()
    {
        var (test, run) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "retry page test"));
        var vendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Retry Vendor", OrganizationKind.ChipDesigner, "KR"));
        var sku = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "Retry GPU", SkuCategory.Gpu));
        var job = await WithDbAsync(db => QueuedAsync(db, run, test, "opencl-c", sku, JobStatus.Expired, "no agent took it in 24 h"));
        await SignInAsync("Admin", consortiumAdmin: true);

        var nav = Render<NavMenu>();
        nav.WaitForAssertion(() => Assert.NotNull(nav.Find("[data-testid=nav-operations]")), Patience);
        var page = Render<OperationsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=failed-retry]").Click(), Patience);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=failed-empty]")), Patience);
        Assert.Equal(JobStatus.Queued, await WithDbAsync(db => db.Jobs.Where(j => j.Id == job).Select(j => j.Status).SingleAsync()));
        Assert.Equal("1", page.Find("[data-testid=depth-language][data-language=opencl-c] [data-testid=depth-queued]").TextContent);
    }

    private static async Task<Guid> QueuedAsync(PortalDbContext db, Guid run, Guid test, string language, Guid sku, JobStatus status, string? reason = null)
    {
        var job = new Job
        {
            RunId = run, TestId = test, Language = language, TargetSkuId = sku, Status = status, MaxAttempts = 3, CreatedAt = db.Now,
            Attempts = status == JobStatus.Failed ? 3 : 0, FailureReason = reason, FinishedAt = reason is null ? null : db.Now,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    private async Task SignInAsync(string name, bool consortiumAdmin, params (Guid Organization, MemberRole Role)[] memberships)
    {
        var user = await WithDbAsync(db => AgentRows.UserAsync(db, name, memberships));
        if (consortiumAdmin)
            await WithDbAsync(db => db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsConsortiumAdmin, true)));
        Authorization.SetAuthorized(name).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.ToString()));
    }

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }
}
