using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Matrix;
using Portal.Data.Organizations;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The compatibility matrix page against a real database: verdict cells with links and the verified mark, filters and the empty state.</summary>
public sealed class MatrixTableTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_suspect_timing_shows_its_verdict_and_a_suspect_chip_instead_of_its_figures()
    {
        var vendor = await AddOrganizationAsync("Suspect Vendor");
        await SignInAsync(vendor);
        var sku = await AddSkuAsync(vendor, "Quick-1", bandwidthTbs: 1.0);
        var (agent, device) = await AddAgentAsync(vendor, "Quick-1", sku);
        var (_, job) = await AddRunAsync(await AddTestAsync("add fast", vendor), device, null);
        await UpdateJobAsync(job, j =>
        {
            Complete(j, Result(KernelStatus.Passed, 9000), sku, agent, vendor, device);
            (j.TimingSuspect, j.SuspectFigure, j.SuspectLimit, j.SuspectLimitSource) =
                (true, Portal.Data.Jobs.TimingFigure.GbPerSecond, 1000, Portal.Data.Jobs.TimingLimitSource.Datasheet);
        });

        var page = Render<MatrixPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=matrix-row]")), Wait);
        var cell = page.Find("[data-testid=matrix-row] td");
        Assert.Equal("passed", cell.GetAttribute("data-verdict"));
        Assert.Single(cell.QuerySelectorAll("[data-testid=timing-suspect]"));
        Assert.DoesNotContain("9,000", cell.TextContent);
        Assert.DoesNotContain("GB/s", cell.TextContent);
    }

    [Fact]
    public async Task Each_cell_shows_the_latest_verdict_of_a_test_on_a_sku_links_to_its_job_and_marks_verified_results()
    {
        var consortium = await AddOrganizationAsync("Consortium", OrganizationKind.Consortium);
        var nvidia = await AddOrganizationAsync("NVIDIA");
        var furiosa = await AddOrganizationAsync("FuriosaAI");
        await SignInAsync(furiosa);
        var h200 = await AddSkuAsync(nvidia, "H200", bandwidthTbs: 4.8);
        var rngd = await AddSkuAsync(furiosa, "RNGD", bandwidthTbs: 1.5);
        var (consortiumAgent, consortiumDevice) = await AddAgentAsync(consortium, "NVIDIA H200", h200);
        var (partnerAgent, partnerDevice) = await AddAgentAsync(furiosa, "RNGD", rngd);
        var add = await AddTestAsync("add", furiosa);
        var softmax = await AddTestAsync("softmax rows", furiosa, op: "softmax");
        await AddTestAsync("add in Triton", furiosa, language: "triton");

        var (_, onH200) = await AddRunAsync(add, consortiumDevice, null);
        await UpdateJobAsync(onH200, j => Complete(j, Result(KernelStatus.Passed, 2400), h200, consortiumAgent, consortium, consortiumDevice, verified: true));
        var (_, onRngd) = await AddRunAsync(add, partnerDevice, null);
        await UpdateJobAsync(onRngd, j => Complete(j, Result(KernelStatus.Failed, 600), rngd, partnerAgent, furiosa, partnerDevice));
        var (_, softmaxOnRngd) = await AddRunAsync(softmax, partnerDevice, null);
        await UpdateJobAsync(softmaxOnRngd, j => Complete(j, Result(KernelStatus.CompileError, null), rngd, partnerAgent, furiosa, partnerDevice));

        var page = Render<MatrixPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=matrix-row]").Count), Wait);
        // SKUs by vendor: FuriosaAI's RNGD, then NVIDIA's H200.
        Assert.Equal(["FuriosaAIRNGD", "NVIDIAH200"], page.FindAll("[data-testid=matrix-sku]").Select(h => h.TextContent.Trim()).ToList());
        var addRow = page.FindAll("[data-testid=matrix-row]").Single(r => r.QuerySelector("th a")!.TextContent == "add");
        var cells = addRow.QuerySelectorAll("td").ToList();
        Assert.Equal(["failed", "passed"], cells.Select(c => c.GetAttribute("data-verdict")).ToList());
        Assert.Equal($"/jobs/{onRngd}", cells[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal($"/jobs/{onH200}", cells[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("verdict-passed", cells[1].ClassName);
        Assert.Contains("verdict-failed", cells[0].ClassName);
        // Only the consortium's agent makes a result verified; 2,400 GB/s is half the H200's 4.8 TB/s.
        Assert.Empty(cells[0].QuerySelectorAll("[data-testid=matrix-verified]"));
        Assert.Single(cells[1].QuerySelectorAll("[data-testid=matrix-verified]"));
        Assert.Contains("50", cells[1].TextContent);

        var softmaxRow = page.FindAll("[data-testid=matrix-row]").Single(r => r.QuerySelector("th a")!.TextContent == "softmax rows");
        Assert.Equal("compile_error", softmaxRow.QuerySelector("td")!.GetAttribute("data-verdict"));
        Assert.Contains("verdict-trouble", softmaxRow.QuerySelector("td")!.ClassName);
        var tritonRow = page.FindAll("[data-testid=matrix-row]").Single(r => r.QuerySelector("th a")!.TextContent == "add in Triton");
        Assert.Equal(2, tritonRow.QuerySelectorAll("td.verdict-none").Length);
        Assert.EndsWith("/export/matrix.csv", page.Find("a[data-testid=matrix-export]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_filter_from_the_address_narrows_the_rows_and_the_export_carries_it()
    {
        var furiosa = await AddOrganizationAsync("FuriosaAI");
        await SignInAsync(furiosa);
        await AddTestAsync("add", furiosa);
        await AddTestAsync("add in Triton", furiosa, language: "triton");
        Services.GetRequiredService<NavigationManager>().NavigateTo("/matrix?language=triton");

        var page = Render<MatrixPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=matrix-row]")), Wait);
        Assert.Contains("add in Triton", page.Find("[data-testid=matrix-row]").TextContent);
        Assert.EndsWith("/export/matrix.csv?language=triton", page.Find("a[data-testid=matrix-export]").GetAttribute("href"));
        Assert.EndsWith("/api/v1/matrix?language=triton", page.Find("a[data-testid=view-json]").GetAttribute("href"));
        Assert.NotNull(page.Find("[data-testid=copy-view-link]"));
        Assert.Contains("None of these tests has a result", page.Find("[data-testid=matrix-no-results]").TextContent);
    }

    [Fact]
    public async Task A_sku_that_claims_the_language_but_has_no_result_is_a_column_that_reads_not_tested()
    {
        var vendor = await AddOrganizationAsync("Untested Vendor");
        await SignInAsync(vendor);
        var sku = await AddSkuAsync(vendor, "Quiet-1");
        await InDbAsync(async db =>
        {
            (await db.HardwareSkus.FindAsync(sku))!.Languages = ["opencl-c"];
            return await db.SaveChangesAsync();
        });
        await AddTestAsync("add never run", vendor);

        var page = Render<MatrixPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=matrix-row]")), Wait);
        var column = Assert.Single(page.FindAll("[data-testid=matrix-sku]"));
        Assert.Contains("Quiet-1", column.TextContent);
        Assert.Equal("false", column.GetAttribute("data-tested"));
        Assert.Equal("not tested", page.Find("[data-testid=matrix-not-tested]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=matrix-cell]"));
        // Still no result anywhere: the page says how to get one.
        Assert.Single(page.FindAll("[data-testid=matrix-no-results]"));
    }

    [Fact]
    public async Task Without_tests_the_matrix_says_how_to_get_its_first_row()
    {
        await SignInAsync(null);
        var page = Render<MatrixPage>();
        page.WaitForAssertion(() => Assert.Contains("No tests yet", page.Find("[data-testid=matrix-empty]").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=matrix]"));
    }

    private static KernelResult Result(KernelStatus status, double? gbPerSecond) => new(status, status.ToString(),
        Timing: gbPerSecond is { } gbs ? new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, 1, 1, 1, 1, 0, 1, gbs, 1) : null);
}
