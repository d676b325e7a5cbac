using System.Globalization;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Common;
using Portal.Api.Conformance;
using Portal.Api.Dashboard;
using Portal.Api.Home;
using Portal.Api.Jobs;
using Portal.Api.Memberships;
using Portal.Api.Operations;
using Portal.Components;
using Portal.Components.Dashboard;
using Portal.Components.Pages;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The home page's dashboard against a real database: the charts, the milestones and the partner's SKUs a person sees.</summary>
public sealed class DashboardTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = TestDatabase.ClockStartingNow();
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;
    private TestDatabaseName _database = null!;
    private BunitAuthorizationContext _authorization = null!;

    private DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddSingleton<TimeProvider>(_time);
        Services.AddPortalData(_database.ConnectionString);
        Services.AddScoped<CallerResolver>();
        Services.AddScoped<DashboardService>();
        Services.AddScoped<MembershipService>();
        Services.AddOptions<JobQueueOptions>();
        Services.AddSingleton<RunEventBatch>().AddSingleton<JobQueue>();
        Services.AddScoped<HomeService>().AddScoped<Portal.Api.Regressions.RegressionService>().AddScoped<ConformanceService>().AddScoped<OperationsService>();
        Services.AddScoped<ScopedWork>();
        _authorization = AddAuthorization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
        UseCulture("en");
    }

    // MudBlazor's services are only asynchronously disposable.
    async Task IAsyncLifetime.DisposeAsync()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
        await DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database.Name);
    }

    [Fact]
    public async Task Shows_the_charts_and_the_milestones_from_the_registry()
    {
        var seoul = await SeedRegistryAsync();
        await SignInAsync("Officer");

        var view = Render<DashboardView>();

        view.WaitForAssertion(() => view.Find("[data-testid=chart-status] svg"), Patience);
        // The donut's legend carries each status with its count.
        var status = view.Find("[data-testid=chart-status]").TextContent;
        Assert.Contains("2 deployments", status);
        Assert.Contains("Planned (1)", status);
        Assert.Contains("Under construction (1)", status);
        Assert.NotNull(view.Find("[data-testid=chart-power] svg"));
        Assert.Equal(["KR 1,200.5 300"], Rows(view, "[data-testid=power-table] tbody tr"));
        Assert.NotNull(view.Find("[data-testid=chart-accelerators] svg"));
        // The share is written the culture's way ("33 %" in ICU's neutral English).
        Assert.Equal($"3,000 accelerators planned, 1,000 of them domestic ({(1.0 / 3).ToString("P0", CultureInfo.CurrentCulture)}).", view.Find("[data-testid=accelerators-summary]").TextContent.Trim());
        Assert.Equal(["US 0 2,000", "KR 1,000 0"], Rows(view, "[data-testid=accelerators-table] tbody tr"));

        var due = view.Find("[data-testid=milestones-due]");
        Assert.Contains("Groundbreaking", due.TextContent);
        Assert.Contains("In 90 days", due.TextContent);
        Assert.Equal($"/deployments/{seoul}", due.QuerySelector("a")!.GetAttribute("href"));
        var slipped = view.Find("[data-testid=milestones-slipped]").TextContent;
        Assert.Contains("Permits", slipped);
        Assert.Contains("2 days overdue", slipped);
        Assert.DoesNotContain("Beyond the window", view.Markup);
    }

    [Fact]
    public async Task An_empty_registry_says_what_to_do_next()
    {
        var vendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "New Vendor", OrganizationKind.ChipDesigner, "KR"));
        await SignInAsync("Newcomer", (vendor, MemberRole.Admin));

        var view = Render<DashboardView>();

        view.WaitForAssertion(() => view.Find("[data-testid=dashboard-empty]"), Patience);
        var empty = view.Find("[data-testid=dashboard-empty]");
        Assert.Contains("No deployments yet", empty.TextContent);
        Assert.Equal("/deployments", empty.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(view.FindAll("[data-testid=chart-status]"));
    }

    [Fact]
    public async Task The_home_page_leads_with_the_dashboard_in_korean()
    {
        await SeedRegistryAsync();
        await SignInAsync("김민지");
        UseCulture("ko");

        var home = Render<Home>();

        home.WaitForAssertion(() => home.Find("[data-testid=chart-status] svg"), Patience);
        home.WaitForAssertion(() => Assert.Contains("내 가입 요청", home.Markup), Patience);
        Assert.Contains("김민지님, 환영합니다", home.Markup);
        Assert.Contains("한눈에 보기", home.Markup);
        Assert.Contains("건설 중 (1)", home.Find("[data-testid=chart-status]").TextContent);
        Assert.Contains("90일 후", home.Find("[data-testid=milestones-due]").TextContent);
        // The dashboard comes before the memberships.
        Assert.True(home.Markup.IndexOf("한눈에 보기", StringComparison.Ordinal) < home.Markup.IndexOf("내 조직", StringComparison.Ordinal));
    }

    /// <summary>Two Korean deployments; in Seoul, US GPUs (foreign) and Korean NPUs (domestic). Answers Seoul's id.</summary>
    private async Task<Guid> SeedRegistryAsync()
    {
        var usVendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "US Chips", OrganizationKind.ChipDesigner, "US"));
        var krVendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "K Chips", OrganizationKind.ChipDesigner, "KR"));
        var gpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, usVendor, "US GPU", SkuCategory.Gpu));
        var npu = await WithDbAsync(db => DashboardRows.SkuAsync(db, krVendor, "K-NPU", SkuCategory.Npu));
        var seoul = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Seoul A", "KR", DeploymentStatus.Planned, 1000.5, 300,
            [(gpu, 2000, 0), (npu, 1000, 0)],
            [(Today.AddDays(90), "Groundbreaking", MilestoneStatus.Planned),
             (Today.AddDays(91), "Beyond the window", MilestoneStatus.Planned),
             (Today.AddDays(-2), "Permits", MilestoneStatus.Planned)]));
        await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Busan B", "KR", DeploymentStatus.UnderConstruction, 200));
        return seoul;
    }

    private async Task SignInAsync(string name, params (Guid Organization, MemberRole Role)[] memberships)
    {
        var user = new PortalUser { UserName = $"{Guid.NewGuid():N}@users.test", DisplayName = name, CreatedAt = _time.GetUtcNow() };
        await WithDbAsync(async db =>
        {
            db.Users.Add(user);
            db.Memberships.AddRange(memberships.Select(m => new Membership
            {
                OrganizationId = m.Organization, UserId = user.Id, Role = m.Role, JoinedAt = _time.GetUtcNow(),
            }));
            db.Actor = AuditActor.System;
            return await db.SaveChangesAsync();
        });
        _authorization.SetAuthorized(name).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()));
    }

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    private static void UseCulture(string name)
    {
        CultureInfo.CurrentCulture = new CultureInfo(name);
        CultureInfo.CurrentUICulture = new CultureInfo(name);
    }

    private static List<string> Rows(IRenderedComponent<DashboardView> view, string selector) =>
        [.. view.FindAll(selector).Select(row => string.Join(" ", row.QuerySelectorAll("td").Select(td => td.TextContent.Trim())))];
}
