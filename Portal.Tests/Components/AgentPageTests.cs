using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Jobs;
using Portal.Components.Agents;
using Portal.Data.Jobs;
using Portal.Components.Pages.Agents;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The agents page against a real database: agents and devices as a reader sees them, what an admin changes, registration tokens.</summary>
public sealed class AgentPageTests : DatabaseComponentContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected override void AddFeatureServices(IServiceCollection services)
    {
        services.AddOptions<JobQueueOptions>();
        services.AddSingleton<AgentTokens>();
        services.AddSingleton<RunEventBatch>().AddSingleton<JobQueue>();
        services.AddScoped<JobSubmitter>().AddScoped<AgentService>().AddScoped<RegistrationTokenService>().AddScoped<HardwareLineService>();
    }

    [Fact]
    public async Task The_page_says_what_a_kernel_can_see_on_the_agents_host()
    {
        await SignInAsync("Reader");

        var panel = Render<KernelSandboxPanel>();

        Assert.Contains("What a kernel can see on your host", panel.Find("[data-testid=kernel-sandbox]").TextContent);
    }

    [Fact]
    public async Task With_no_agents_it_says_what_an_agent_is_and_shows_the_command_that_attaches_one()
    {
        await SignInAsync("Reader");
        var table = Render<AgentTable>();
        table.WaitForAssertion(() => Assert.Equal("Portal.Agent run --portal http://localhost --registration-token <registration-token>",
            table.Find("[data-testid=agents-empty-command]").TextContent.Trim()), Patience);
        Assert.Contains("./run.sh", table.Find("[data-testid=agents-empty]").TextContent);
    }

    [Fact]
    public async Task A_reader_sees_each_agents_state_devices_sku_mapping_current_job_and_last_results_but_no_controls()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var consortium = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "The Consortium", OrganizationKind.Consortium, "KR"));
        var h200 = await WithDbAsync(db => DashboardRows.SkuAsync(db, partner, "H200 SXM", SkuCategory.Gpu));
        var mapped = AgentRows.Device("cuda:0", "NVIDIA H200", h200);
        var unmapped = AgentRows.Device("opencl:0:0", "Mystery NPU");
        var seoul = await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "seoul-rack-1", TimeSpan.FromSeconds(5), mapped, unmapped));
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "busan-rack-2", TimeSpan.FromMinutes(10)));
        await WithDbAsync(db => AgentRows.AgentAsync(db, consortium, "consortium-ci", TimeSpan.Zero));
        var (test, run) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "vector_add check"));
        await WithDbAsync(db => AgentRows.JobAsync(db, run, test, "opencl-c", mapped.Id, "failed", h200));
        await WithDbAsync(db => AgentRows.JobAsync(db, run, test, "cuda-c", mapped.Id, verdict: null));
        await SignInAsync("Reader");

        var table = Render<AgentTable>();

        table.WaitForAssertion(() => Assert.Equal(3, table.FindAll("[data-testid=agent]").Count), Patience);
        Assert.Equal("Online", Agent(table, "seoul-rack-1").QuerySelector("[data-testid=agent-status]")!.TextContent.Trim());
        Assert.Equal("Offline", Agent(table, "busan-rack-2").QuerySelector("[data-testid=agent-status]")!.TextContent.Trim());
        Assert.NotNull(Agent(table, "consortium-ci").QuerySelector("[data-testid=agent-verified]"));
        Assert.Null(Agent(table, "seoul-rack-1").QuerySelector("[data-testid=agent-verified]"));
        Assert.Contains("seoul-rack-1.host", Agent(table, "seoul-rack-1").QuerySelector("[data-testid=agent-facts]")!.TextContent);

        var gpu = Device(table, mapped.Id);
        Assert.Equal($"/agents/{seoul}/devices/{mapped.Id}", gpu.QuerySelector("[data-testid=device-link]")!.GetAttribute("href"));
        Assert.Equal("H200 SXM", gpu.QuerySelector("[data-testid=device-sku]")!.TextContent.Trim());
        Assert.Equal($"/runs/{run}", gpu.QuerySelector("[data-testid=device-current-job]")!.GetAttribute("href"));
        Assert.Equal(["failed"], gpu.QuerySelectorAll("[data-testid=verdict]").Select(v => v.GetAttribute("data-verdict")));
        Assert.Equal("Unmapped", Device(table, unmapped.Id).QuerySelector("[data-testid=device-unmapped]")!.TextContent.Trim());
        Assert.Empty(table.FindAll("[data-testid=device-sku-edit]"));
        Assert.Empty(table.FindAll("[data-testid=agent-revoke]"));
    }

    [Fact]
    public async Task A_devices_suite_verdicts_come_first_and_developers_runs_are_labelled_as_experiments()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Suite Partner", OrganizationKind.DatacenterOperator, "KR"));
        var gpu = AgentRows.Device("cuda:0", "NVIDIA H200");
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "suite-rack", TimeSpan.Zero, gpu));
        var (add, _) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "suite vector_add"));
        var (saxpy, _) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "suite saxpy", op: "saxpy"));
        var (mine, experiment) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "my fused rope"));
        var older = await WithDbAsync(AgentRows.QualificationRunAsync);
        var newer = await WithDbAsync(AgentRows.QualificationRunAsync);
        // vector_add failed in the older qualification and passed in the newer one: the newer verdict is the device's.
        await WithDbAsync(db => AgentRows.JobAsync(db, older, add, "opencl-c", gpu.Id, "failed", finishedAt: DateTimeOffset.UtcNow.AddHours(-2)));
        await WithDbAsync(db => AgentRows.JobAsync(db, newer, add, "opencl-c", gpu.Id, "passed", finishedAt: DateTimeOffset.UtcNow.AddHours(-1)));
        var wrong = await WithDbAsync(db => AgentRows.JobAsync(db, newer, saxpy, "opencl-c", gpu.Id, "failed", finishedAt: DateTimeOffset.UtcNow.AddHours(-1)));
        await WithDbAsync(db => AgentRows.JobAsync(db, experiment, mine, "opencl-c", gpu.Id, "compile_error"));
        await SignInAsync("Reader");

        var table = Render<AgentTable>();

        table.WaitForAssertion(() => Assert.NotNull(Device(table, gpu.Id).QuerySelector("[data-testid=device-suite-results]")), Patience);
        var device = Device(table, gpu.Id);
        var suite = device.QuerySelector("[data-testid=device-suite-results]")!;
        Assert.Contains("1 of 2 passed", suite.TextContent, StringComparison.Ordinal);
        // Only what did not pass is listed by name, linked to its job.
        var failing = Assert.Single(suite.QuerySelectorAll("[data-testid=verdict]"));
        Assert.Equal("failed", failing.GetAttribute("data-verdict"));
        Assert.Contains($"job={wrong}", failing.OuterHtml, StringComparison.Ordinal);
        var experiments = device.QuerySelector("[data-testid=device-experiments]")!;
        Assert.Contains("experiments", experiments.TextContent, StringComparison.Ordinal);
        Assert.Equal(["compile_error"], experiments.QuerySelectorAll("[data-testid=verdict]").Select(v => v.GetAttribute("data-verdict")));
    }

    [Fact]
    public async Task A_reader_outside_a_private_tests_organisation_sees_only_that_the_device_runs_a_private_test()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var lab = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Secret Lab", OrganizationKind.ChipDesigner, "KR"));
        var gpu = AgentRows.Device("cuda:0", "NVIDIA H200");
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "seoul-rack-1", TimeSpan.Zero, gpu));
        var (test, run) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "unreleased kernel", language: "cuda-c"));
        await WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == test).ExecuteUpdateAsync(u => u
            .SetProperty(t => t.Visibility, Portal.Data.Compatibility.TestVisibility.Private).SetProperty(t => t.OrganizationId, lab)));
        await WithDbAsync(db => AgentRows.JobAsync(db, run, test, "cuda-c", gpu.Id, "failed"));
        await WithDbAsync(db => AgentRows.JobAsync(db, run, test, "cuda-c", gpu.Id, verdict: null));
        await SignInAsync("Partner admin", (partner, MemberRole.Admin));

        var table = Render<AgentTable>();

        table.WaitForAssertion(() => Assert.Equal("(private test)", Device(table, gpu.Id).QuerySelector("[data-testid=device-private-job]")?.TextContent.Trim()), Patience);
        var device = Device(table, gpu.Id);
        Assert.Null(device.QuerySelector("[data-testid=device-current-job]"));
        Assert.Empty(device.QuerySelectorAll("[data-testid=verdict]"));
        Assert.DoesNotContain(run.ToString(), device.InnerHtml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unreleased kernel", device.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_of_the_agents_organisation_resets_a_hand_set_sku_to_automatic_and_revokes_the_agent()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var h200 = await WithDbAsync(db => DashboardRows.SkuAsync(db, partner, "H200 SXM", SkuCategory.Gpu));
        await WithDbAsync(async db =>
        {
            await db.HardwareSkus.Where(s => s.Id == h200).ExecuteUpdateAsync(u => u.SetProperty(s => s.DeviceNamePatterns, ["H200"]));
            return 0;
        });
        var wrong = await WithDbAsync(db => DashboardRows.SkuAsync(db, partner, "Wrong SKU", SkuCategory.Gpu));
        var device = AgentRows.Device("cuda:0", "NVIDIA H200", wrong, setByHand: true);
        var agent = await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "seoul-rack-1", TimeSpan.Zero, device));
        await SignInAsync("Partner admin", (partner, MemberRole.Admin));
        var dialogs = Render<MudDialogProvider>();

        var table = Render<AgentTable>();
        table.WaitForAssertion(() => Assert.Contains("(set by hand)", Device(table, device.Id).TextContent), Patience);
        Assert.Equal("Wrong SKU", Device(table, device.Id).QuerySelector("[data-testid=device-sku]")!.TextContent.Trim());

        Click(table, "[data-testid=device-sku-edit]");
        table.WaitForAssertion(() => Assert.True(table.Find("[data-testid=device-sku-save]").HasAttribute("disabled")), Patience);
        Click(table, "[data-testid=device-sku-automatic]");
        table.WaitForAssertion(() => Assert.Equal("H200 SXM", Device(table, device.Id).QuerySelector("[data-testid=device-sku]")!.TextContent.Trim()), Patience);
        Assert.Contains("(automatic)", Device(table, device.Id).TextContent);
        var stored = await WithDbAsync(db => db.AgentDevices.AsNoTracking().SingleAsync(d => d.Id == device.Id));
        Assert.Equal((h200, false), (stored.SkuId, stored.SkuSetByHand));

        Click(table, "[data-testid=agent-revoke]");
        dialogs.WaitForAssertion(() => Assert.Contains("Revoke seoul-rack-1?", dialogs.Markup), Patience);
        dialogs.WaitForAssertion(() => dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click(), Patience);
        table.WaitForAssertion(() => Assert.Equal("Revoked", table.Find("[data-testid=agent-status]").TextContent.Trim()), Patience);
        Assert.Empty(table.FindAll("[data-testid=agent-revoke]"));
        Assert.NotNull(await WithDbAsync(db => db.Agents.Where(a => a.Id == agent).Select(a => a.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_sku_set_by_hand_reads_manual_unconfirmed_and_only_a_consortium_admin_gets_the_button_that_confirms_it()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var npu = await WithDbAsync(db => DashboardRows.SkuAsync(db, partner, "Some NPU", SkuCategory.Npu));
        var cpu = AgentRows.Device("opencl:0:0", "cpu-haswell-AMD EPYC 7B13", npu, setByHand: true);
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "seoul-rack-1", TimeSpan.Zero, cpu));
        await SignInAsync("Partner admin", (partner, MemberRole.Admin));

        var table = Render<AgentTable>();
        table.WaitForAssertion(() => Assert.Equal("manual, unconfirmed", Device(table, cpu.Id).QuerySelector("[data-testid=sku-mapping]")?.TextContent.Trim()), Patience);
        Assert.Equal("manual_unconfirmed", Device(table, cpu.Id).QuerySelector("[data-testid=sku-mapping]")!.GetAttribute("data-mapping"));
        Assert.NotNull(Device(table, cpu.Id).QuerySelector("[data-testid=device-sku-edit]"));
        Assert.Empty(table.FindAll("[data-testid=device-sku-confirm]"));

        var admin = await SignInAsync("Consortium admin", consortiumAdmin: true);
        var adminTable = Render<AgentTable>();
        adminTable.WaitForAssertion(() => Assert.NotNull(Device(adminTable, cpu.Id).QuerySelector("[data-testid=device-sku-confirm]")), Patience);
        Click(adminTable, "[data-testid=device-sku-confirm]");

        adminTable.WaitForAssertion(() => Assert.Equal("manual_confirmed",
            Device(adminTable, cpu.Id).QuerySelector("[data-testid=sku-mapping]")?.GetAttribute("data-mapping")), Patience);
        Assert.Equal("manual, confirmed", Device(adminTable, cpu.Id).QuerySelector("[data-testid=sku-mapping]")!.TextContent.Trim());
        Assert.Empty(adminTable.FindAll("[data-testid=device-sku-confirm]"));
        var stored = await WithDbAsync(db => db.AgentDevices.AsNoTracking().SingleAsync(d => d.Id == cpu.Id));
        Assert.Equal((npu, true, admin.UserId), (stored.SkuId, stored.SkuConfirmedAt is not null, stored.SkuConfirmedByUserId));
    }

    [Fact]
    public async Task An_admin_creates_a_registration_token_sees_it_once_with_the_agent_command_and_revokes_it()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var caller = await SignInAsync("Partner admin", (partner, MemberRole.Admin));

        var panel = Render<RegistrationTokensPanel>(p => p.Add(x => x.Caller, caller));
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid=token-name]")), Patience);
        // The admin's only organisation is chosen for them.
        Assert.Empty(panel.FindAll("[data-testid=token-organization]"));
        Input(panel, "token-name").Change("seoul-rack");
        Click(panel, "[data-testid=create-token]");

        panel.WaitForAssertion(() => Assert.StartsWith("cpr_", panel.Find("[data-testid=registration-token-secret]").TextContent.Trim()), Patience);
        var secret = panel.Find("[data-testid=registration-token-secret]").TextContent.Trim();
        Assert.Equal($"Portal.Agent run --portal http://localhost --registration-token {secret}", panel.Find("[data-testid=agent-command]").TextContent.Trim());
        Assert.Contains("Rack Partner", panel.Find("[data-testid=new-registration-token]").TextContent);
        Assert.Equal("Active", panel.Find("[data-testid=token-state]").TextContent.Trim());
        // Only the secret's prefix is listed.
        Assert.DoesNotContain(secret, panel.Find("[data-testid=registration-token-list]").TextContent);

        Click(panel, "[data-testid=revoke-token]");
        panel.WaitForAssertion(() => Assert.Equal("Revoked", panel.Find("[data-testid=token-state]").TextContent.Trim()), Patience);
        Assert.Empty(panel.FindAll("[data-testid=registration-token-secret]"));
    }

    [Fact]
    public async Task A_member_who_administers_no_organisation_sees_the_agents_but_no_registration_tokens()
    {
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "seoul-rack-1", TimeSpan.Zero));
        await SignInAsync("Partner member", (partner, MemberRole.Member));

        var page = Render<AgentList>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=agent]")), Patience);
        Assert.Empty(page.FindAll("[data-testid=registration-tokens]"));
    }

    private Task<Caller> SignInAsync(string name, params (Guid Organization, MemberRole Role)[] memberships) => SignInAsync(name, false, memberships);

    private async Task<Caller> SignInAsync(string name, bool consortiumAdmin, params (Guid Organization, MemberRole Role)[] memberships)
    {
        var user = await WithDbAsync(db => AgentRows.UserAsync(db, name, memberships));
        if (consortiumAdmin)
            await WithDbAsync(db => db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsConsortiumAdmin, true)));
        Authorization.SetAuthorized(name).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.ToString()));
        await using var scope = Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(user, CancellationToken.None))!;
    }

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    private static AngleSharp.Dom.IElement Agent(IRenderedComponent<AgentTable> table, string name) => table.Find($"[data-testid=agent][data-agent-name='{name}']");

    private static AngleSharp.Dom.IElement Device(IRenderedComponent<AgentTable> table, Guid id) => table.Find($"[data-testid=device][data-device-id='{id}']");

    // A component that loads asynchronously may render again between finding an element and clicking it: find it afresh until the click lands.
    private static void Click<T>(IRenderedComponent<T> component, string selector) where T : Microsoft.AspNetCore.Components.IComponent =>
        component.WaitForAssertion(() => component.Find(selector).Click(), Patience);

    private static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> component, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var element = component.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
