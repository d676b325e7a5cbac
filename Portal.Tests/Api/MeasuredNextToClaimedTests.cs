using Portal.Api.Common;
using Portal.Api.Matrix;
using Portal.Api.Organizations;
using Portal.Api.Runs;
using Portal.Api.Skus;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Measured next to claimed: the catalogue's pass rates per language (verified kept apart from partner-reported, "not claimed"
/// apart from "not tested"), a compute-bound op's rate in GFLOP/s against the datasheet, and an organisation's links.
/// </summary>
public sealed class MeasuredNextToClaimedTests(MeasuredNextToClaimedTests.Fixture portal) : IClassFixture<MeasuredNextToClaimedTests.Fixture>
{
    /// <summary>2·1024³ FLOP in a 2-ms median: 2 147 483 648 / 0.002 s = 1 073 741 824 000 FLOP/s.</summary>
    private const double MatmulGflops = 1073.741824;

    public sealed class Fixture : CompatibilityPortal
    {
        public Guid Vendor { get; private set; }
        public Guid Ministry { get; private set; }
        public Guid Gpu { get; private set; }
        public Guid Idle { get; private set; }
        public Guid Sponsored { get; private set; }
        public Guid Supplied { get; private set; }
        public Guid VendorTest { get; private set; }
        public Guid PrivateTest { get; private set; }
        public Guid Agent { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            Vendor = await AddOrganizationAsync("Measured Vendor", OrganizationKind.ChipDesigner);
            Ministry = await AddOrganizationAsync("Measured Ministry", OrganizationKind.Ministry);
            // Claims OpenCL C and CUDA C, not Triton; BF16 989 TFLOP/s, 4.8 TB/s (the H200's datasheet).
            Gpu = await this.AddSkuAsync(Vendor, "Measured GPU", configure: s => { SkuFixtures.H200(s); s.Languages = ["opencl-c", "cuda-c"]; });
            Idle = await this.AddSkuAsync(Vendor, "Measured Idle", configure: s => s.Languages = ["opencl-c"]);
            var add = await this.AddTestAsync("m vector_add", null, TestVisibility.Consortium);
            var saxpy = await this.AddTestAsync("m saxpy", null, TestVisibility.Consortium, op: "saxpy");
            var matmul = await this.AddTestAsync("m matmul", null, TestVisibility.Consortium, op: "matmul");
            var matmulBf16 = await this.AddTestAsync("m matmul bf16", null, TestVisibility.Consortium, op: "matmul", dtype: "bf16");
            VendorTest = await this.AddTestAsync("m vendor test", Vendor, TestVisibility.Consortium);
            PrivateTest = await this.AddTestAsync("m private test", Vendor, TestVisibility.Private);
            Agent = await this.AddAgentAsync(Vendor, "measured-agent");
            Client = await CreateClientForAsync(await CreateUserAsync("Measured Reader"));

            var start = Time.GetUtcNow();
            // vector_add: a verified pass, then a newer partner-reported failure; each counts on its own side.
            var jobs = await this.AddRunAsync(add, null, (null, Gpu), (null, Gpu));
            await this.CompleteJobAsync(jobs[0], KernelStatus.Passed, start.AddMinutes(1), Gpu, verified: true);
            await this.CompleteJobAsync(jobs[1], KernelStatus.Failed, start.AddMinutes(2), Gpu, verified: false);
            // saxpy: a verified failure.
            var saxpyJob = await this.AddRunAsync(saxpy, null, (null, Gpu));
            await this.CompleteJobAsync(saxpyJob[0], KernelStatus.Failed, start.AddMinutes(1), Gpu, verified: true);
            // matmul f32, 1024³, timed by the engine from a 2-ms median: GFLOP/s, and no F32 figure on the datasheet.
            var matmulJob = await this.AddRunAsync(matmul, null, (null, Gpu));
            await this.CompleteJobAsync(matmulJob[0], KernelStatus.Passed, start.AddMinutes(3), Gpu, verified: true);
            var op = OpCatalog.Get("matmul");
            var timing = TimingSummary.Summarise([2.0, 2.0, 2.0], op, new CaseParams(op, new Dictionary<string, double> { ["m"] = 1024, ["n"] = 1024, ["k"] = 1024 }));
            await this.UpdateJobAsync(matmulJob[0], j => j.Result = j.Result! with { Timing = timing });
            // matmul bf16 at 494.5 TFLOP/s: half the BF16 datasheet figure.
            var bf16Job = await this.AddRunAsync(matmulBf16, null, (null, Gpu));
            await this.CompleteJobAsync(bf16Job[0], KernelStatus.Passed, start.AddMinutes(4), Gpu, verified: true);
            await this.UpdateJobAsync(bf16Job[0], j => j.Result = j.Result! with
            {
                Timing = j.Result.Timing! with { GflopPerSecond = 494_500, GbPerSecond = 3.2, Dtype = "bf16" },
            });
            // A private test's verdict never shows through a public rate.
            var hidden = await this.AddRunAsync(PrivateTest, null, (null, Gpu));
            await this.CompleteJobAsync(hidden[0], KernelStatus.Passed, start.AddMinutes(1), Gpu, verified: true);

            Sponsored = await this.AddDeploymentAsync("Sponsored Cluster", ministryId: Ministry);
            Supplied = await this.AddDeploymentAsync("Supplied Cluster", hardware: [(Gpu, 8, 0)], participants: [(Ministry, ParticipantRole.Investor)]);
        }
    }

    [Fact]
    public async Task The_catalogue_row_counts_verified_and_partner_reported_apart_and_tells_not_claimed_from_not_tested()
    {
        var page = await portal.Client.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus?q=Measured&sort=name");

        var gpu = Assert.Single(page.Items, s => s.Id == portal.Gpu).Measured!;
        var openCl = gpu.For("opencl-c")!;
        // vector_add passed, saxpy failed, both matmuls passed (verified); the private test is left out.
        Assert.Equal((4, 3), (openCl.Verified!.Tested, openCl.Verified.Passed));
        Assert.Equal((1, 0), (openCl.Reported!.Tested, openCl.Reported.Passed));
        Assert.Equal(0.75, openCl.Verified.Rate, 9);
        Assert.Equal(MeasuredState.Measured, openCl.State);
        Assert.Equal((MeasuredState.NotTested, true, null), (gpu.For("cuda-c")!.State, gpu.For("cuda-c")!.Claimed, gpu.For("cuda-c")!.Verified));
        Assert.Equal((MeasuredState.NotClaimed, false), (gpu.For("triton")!.State, gpu.For("triton")!.Claimed));

        var idle = Assert.Single(page.Items, s => s.Id == portal.Idle).Measured!;
        Assert.Equal([MeasuredState.NotTested, MeasuredState.NotClaimed, MeasuredState.NotClaimed],
            KernelLanguages.Names.Select(l => idle.For(l)!.State));
    }

    [Fact]
    public async Task Keyset_pages_carry_the_measured_column_of_their_own_rows()
    {
        var first = await portal.Client.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus?q=Measured&sort=name&pageSize=1");
        var second = await portal.Client.GetJsonAsync<PagedList<SkuListItem>>(
            $"/api/v1/skus?q=Measured&sort=name&pageSize=1&cursor={Uri.EscapeDataString(first.NextCursor!)}");

        Assert.Equal(("Measured GPU", "Measured Idle"), (Assert.Single(first.Items).Name, Assert.Single(second.Items).Name));
        Assert.Equal(3, first.Items[0].Measured!.For("opencl-c")!.Verified!.Passed);
        Assert.Equal(MeasuredState.NotTested, second.Items[0].Measured!.For("opencl-c")!.State);
    }

    [Fact]
    public async Task A_compute_bound_op_reads_in_gflops_against_the_datasheet_for_its_dtype_and_a_streaming_op_in_gbs()
    {
        Assert.True(OpCatalog.IsComputeBound("matmul") && OpCatalog.IsComputeBound("conv2d") && OpCatalog.IsComputeBound("attention"));
        Assert.False(OpCatalog.IsComputeBound("vector_add") || OpCatalog.IsComputeBound("layernorm_backward") || OpCatalog.IsComputeBound("custom"));

        var sku = await portal.Client.GetJsonAsync<SkuDetail>($"/api/v1/skus/{portal.Gpu}");
        var verdicts = sku.LatestVerdicts!;

        var f32 = Assert.Single(verdicts, v => v.TestName == "m matmul").Rate!;
        Assert.Equal((RateUnit.GflopPerSecond, "f32", null), (f32.Unit, f32.Dtype, f32.PeakShare));
        Assert.Equal(MatmulGflops, f32.Value, 6);
        var bf16 = Assert.Single(verdicts, v => v.TestName == "m matmul bf16").Rate!;
        Assert.Equal((RateUnit.GflopPerSecond, 494_500.0, "bf16"), (bf16.Unit, bf16.Value, bf16.Dtype));
        Assert.Equal(0.5, bf16.PeakShare!.Value, 9);
        // vector_add: 100 GB/s (the fixture's) of 4.8 TB/s.
        var streaming = Assert.Single(verdicts, v => v.TestName == "m vector_add" && v.Verified).Rate!;
        Assert.Equal((RateUnit.GbPerSecond, 100.0), (streaming.Unit, streaming.Value));
        Assert.Equal(100 / 4800.0, streaming.PeakShare!.Value, 9);
        Assert.Contains(verdicts, v => v.TestName == "m vector_add" && !v.Verified && v.Verdict == "failed");
        Assert.DoesNotContain(verdicts, v => v.TestId == portal.PrivateTest);

        // The matrix's cell says the same.
        var matrix = await portal.Client.GetJsonAsync<MatrixDto>("/api/v1/matrix?op=matmul");
        var cell = matrix.Tests.Single(t => t.Name == "m matmul bf16").Cells[portal.Gpu];
        Assert.Equal((RateUnit.GflopPerSecond, 494_500.0), (cell.Rate!.Unit, cell.Rate.Value));
    }

    [Fact]
    public async Task An_organisation_links_to_its_skus_agents_tests_and_deployments_and_a_ministry_lists_what_it_sponsors()
    {
        var vendor = await portal.Client.GetJsonAsync<OrganizationHoldingsDto>($"/api/v1/organizations/{portal.Vendor}/holdings");
        Assert.Equal(["Measured GPU", "Measured Idle"], vendor.Skus.Select(s => s.Name));
        Assert.Equal(2, vendor.SkuCount);
        Assert.Equal([portal.Agent], vendor.Agents.Select(a => a.Id));
        // The reader is no member: the vendor's private test is not listed.
        Assert.Equal([portal.VendorTest], vendor.Tests.Select(t => t.Id));
        Assert.Empty(vendor.Sponsored);
        var supplied = Assert.Single(vendor.Participating);
        Assert.Equal((portal.Supplied, ParticipantRole.Supplier), (supplied.Id, Assert.Single(supplied.Roles)));

        var ministry = await portal.Client.GetJsonAsync<OrganizationHoldingsDto>($"/api/v1/organizations/{portal.Ministry}/holdings");
        Assert.Equal([portal.Sponsored], ministry.Sponsored.Select(d => d.Id));
        Assert.Equal([(portal.Supplied, ParticipantRole.Investor)], ministry.Participating.Select(d => (d.Id, d.Roles.Single())));
        Assert.Empty(ministry.Skus);

        var missing = await portal.Client.GetAsync($"/api/v1/organizations/{Guid.NewGuid()}/holdings");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }
}
