using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Conformance;
using Portal.Api.Jobs;
using Portal.Components.Conformance;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>What a person reads in a conformance profile (SKU or device) and in a deployment's compatibility coverage.</summary>
public sealed class ConformanceProfileTests : DatabaseComponentContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Finished = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected override void AddFeatureServices(IServiceCollection services) => services.AddScoped<ConformanceService>();

    [Fact]
    public void Shows_a_pass_rate_card_per_language_verdicts_and_timing_per_op_and_the_driver_history()
    {
        var profile = new ConformanceProfileDto("Conformance suite v1",
            [new("opencl-c", 2, 2, 2, 1.0, false), new("cuda-c", 2, 2, 1, 0.5, false), new("triton", 2, 0, 0, 0, false)],
            [
                new("vector_add", [Cell("opencl-c", "passed", 0.42, 402.6), Cell("cuda-c", "passed"), Cell("triton", null)]),
                new("softmax", [Cell("opencl-c", "passed"), Cell("cuda-c", "compile_error"), Cell("triton", null)]),
            ],
            [new("590.1", "opencl-c", 2, 2, 2, 1.0, Finished), new("580.65", "cuda-c", 2, 2, 1, 0.5, Finished.AddDays(-1))],
            Verified: false, LastResultAt: Finished);

        var view = Render<ConformanceProfile>(p => p.Add(x => x.Profile, profile));

        Assert.Equal("2/2 passed", view.Find("[data-testid=language-opencl-c] [data-testid=pass-count]").TextContent.Trim());
        Assert.Equal("1/2 passed", view.Find("[data-testid=language-cuda-c] [data-testid=pass-count]").TextContent.Trim());
        Assert.Contains("0 of 2 tested", view.Find("[data-testid=language-triton]").TextContent);
        var vectorAdd = view.Find("[data-testid=op-vector_add]");
        Assert.Equal(["passed", "passed", "none"], vectorAdd.QuerySelectorAll("[data-testid=verdict]").Select(v => v.GetAttribute("data-verdict")));
        Assert.Contains("0.42 ms · 403 GB/s", vectorAdd.TextContent);
        Assert.Contains("Not run", vectorAdd.TextContent);
        Assert.Contains("Compile error", view.Find("[data-testid=op-softmax]").TextContent);
        var drivers = view.FindAll("[data-testid=driver-table] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, drivers.Count);
        Assert.Contains("590.1", drivers[0]);
        Assert.Contains("1/2 passed", drivers[1]);
        Assert.Contains("Partner-reported", view.Markup);
    }

    [Fact]
    public void Shows_the_pass_rate_per_dtype_and_a_row_per_op_variant()
    {
        var profile = new ConformanceProfileDto("Conformance suite v2",
            [new("opencl-c", 2, 2, 1, 0.5, false)],
            [new("softmax", [Cell("opencl-c", "passed")]), new("softmax", [Cell("opencl-c", "failed")], "bf16")],
            [], Verified: false, LastResultAt: Finished,
            Dtypes: [new("f32", 1, 1, 1, 1.0), new("bf16", 1, 1, 0, 0.0)]);

        var view = Render<ConformanceProfile>(p => p.Add(x => x.Profile, profile));

        Assert.Equal("1/1 passed", view.Find("[data-testid=dtype-f32] [data-testid=pass-count]").TextContent.Trim());
        Assert.Equal("0/1 passed", view.Find("[data-testid=dtype-bf16] [data-testid=pass-count]").TextContent.Trim());
        Assert.Contains("By dtype", view.Markup);
        Assert.Equal("passed", view.Find("[data-testid=op-softmax] [data-testid=verdict]").GetAttribute("data-verdict"));
        var variant = view.Find("[data-testid=op-softmax-bf16]");
        Assert.Contains("bf16", variant.TextContent);
        Assert.Equal("failed", variant.QuerySelector("[data-testid=verdict]")!.GetAttribute("data-verdict"));
    }

    [Fact]
    public void Without_results_it_says_how_hardware_gets_qualified()
    {
        var profile = new ConformanceProfileDto("Conformance suite v1", [new("opencl-c", 11, 0, 0, 0, false)], [], [], false, null);

        var view = Render<ConformanceProfile>(p => p.Add(x => x.Profile, profile));

        Assert.Contains("No results yet: attach an agent with this hardware; new devices are qualified automatically.",
            view.Find("[data-testid=conformance-empty]").TextContent);
        Assert.Empty(view.FindAll("[data-testid=op-table]"));
    }

    [Fact]
    public void In_korean_the_profile_reads_in_korean()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("ko");
        try
        {
            var profile = new ConformanceProfileDto("Conformance suite v1", [new("opencl-c", 2, 2, 1, 0.5, false), new("cuda-c", 2, 0, 0, 0, false)],
                [new("vector_add", [Cell("opencl-c", "failed"), Cell("cuda-c", null)])], [], Verified: true, LastResultAt: Finished);

            var view = Render<ConformanceProfile>(p => p.Add(x => x.Profile, profile));

            Assert.Equal("1/2 통과", view.Find("[data-testid=language-opencl-c] [data-testid=pass-count]").TextContent.Trim());
            Assert.Contains("실패", view.Find("[data-testid=op-vector_add]").TextContent);
            Assert.Contains("미실행", view.Find("[data-testid=op-vector_add]").TextContent);
            Assert.Equal("검증됨", view.Find("[data-testid=profile-verified]").TextContent.Trim());
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task Coverage_shows_per_language_how_many_planned_accelerators_are_proven_and_which_skus_prove_them()
    {
        var vendor = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Chip Vendor", OrganizationKind.ChipDesigner, "KR"));
        var gpu = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "Proven GPU", SkuCategory.Gpu));
        var npu = await WithDbAsync(db => DashboardRows.SkuAsync(db, vendor, "Untested NPU", SkuCategory.Npu));
        var deployment = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Seoul AI Center", "KR", Portal.Data.Deployments.DeploymentStatus.Planned,
            hardware: [(gpu, 300, 0), (npu, 100, 0)]));
        await PassOpenClSuiteAsync(gpu);

        var view = Render<CompatibilityCoverage>(p => p.Add(x => x.DeploymentId, deployment));

        view.WaitForAssertion(() => Assert.Equal("300 of 400 planned accelerators",
            view.Find("[data-testid=coverage-opencl-c] [data-testid=coverage-units]").TextContent.Trim()), Patience);
        Assert.Contains("75", view.Find("[data-testid=coverage-opencl-c] [data-testid=coverage-share]").TextContent);
        Assert.Equal("0 of 400 planned accelerators", view.Find("[data-testid=coverage-cuda-c] [data-testid=coverage-units]").TextContent.Trim());
        var skus = view.FindAll("[data-testid=coverage-skus] tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains(skus, r => r.Contains("Proven GPU") && r.Contains("opencl-c"));
        Assert.Contains(skus, r => r.Contains("Untested NPU") && r.Contains("not proven yet"));
    }

    [Fact]
    public async Task Coverage_of_a_deployment_without_accelerators_says_so()
    {
        var deployment = await WithDbAsync(db => DashboardRows.DeploymentAsync(db, "Empty site", "KR", Portal.Data.Deployments.DeploymentStatus.Announced));

        var view = Render<CompatibilityCoverage>(p => p.Add(x => x.DeploymentId, deployment));

        view.WaitForAssertion(() => Assert.Contains("No accelerators are planned yet", view.Find("[data-testid=coverage-empty]").TextContent), Patience);
    }

    /// <summary>The conformance suite as start-up loads it, and a passed job on the SKU for each of its OpenCL C tests.</summary>
    private async Task PassOpenClSuiteAsync(Guid skuId)
    {
        await WithDbAsync(db => ConformanceSuiteLoader.LoadAsync(db, db.Now, CancellationToken.None));
        var partner = await WithDbAsync(db => DashboardRows.OrganizationAsync(db, "Rack Partner", OrganizationKind.DatacenterOperator, "KR"));
        var device = AgentRows.Device("opencl:0:0", "Proven GPU", skuId);
        await WithDbAsync(db => AgentRows.AgentAsync(db, partner, "rack", TimeSpan.Zero, device));
        var tests = await WithDbAsync(db => db.CompatibilityTests
            .Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && t.Language == "opencl-c").Select(t => t.Id).ToListAsync());
        var (_, run) = await WithDbAsync(db => AgentRows.TestRunAsync(db, "a run"));
        foreach (var test in tests)
            await WithDbAsync(db => AgentRows.JobAsync(db, run, test, "opencl-c", device.Id, "passed", skuId));
    }

    private static ConformanceCellDto Cell(string language, string? verdict, double? medianMs = null, double? gbPerSecond = null) =>
        new(language, Guid.NewGuid(), verdict, verdict is null ? null : Guid.NewGuid(), verdict is null ? null : Finished, false, medianMs, gbPerSecond);

    private async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }
}
