using System.Net;
using Portal.Api.Matrix;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>GET /api/v1/matrix and its CSV: per test and SKU, the latest completed verdict; SKUs that claim a language in view
/// without a result are columns "not tested".</summary>
public sealed class MatrixTests(MatrixTests.Fixture portal) : IClassFixture<MatrixTests.Fixture>
{
    public sealed class Fixture : CompatibilityPortal
    {
        public Guid H200 { get; private set; }
        public Guid Npu { get; private set; }
        public Guid Idle { get; private set; }
        public Guid Claimed { get; private set; }
        public Guid OpenCl { get; private set; }
        public Guid Cuda { get; private set; }
        public Guid Latest { get; private set; }
        public DateTimeOffset LatestAt { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            await this.RemoveBuiltInSuiteAsync();
            var vendor = await AddOrganizationAsync("Matrix Vendor", OrganizationKind.ChipDesigner);
            var lab = await AddOrganizationAsync("Matrix Lab");
            H200 = await this.AddSkuAsync(vendor, "H200", configure: SkuFixtures.H200);
            Npu = await this.AddSkuAsync(vendor, "Atom NPU", SkuCategory.Npu);
            Idle = await this.AddSkuAsync(vendor, "Idle GPU");
            // Claims OpenCL C, has no result: a column of "not tested" wherever OpenCL tests are rows.
            Claimed = await this.AddSkuAsync(vendor, "Claimed CPU", SkuCategory.Cpu, s => s.Languages = ["opencl-c"]);
            var suite = await this.AddSuiteAsync("partner-suite-v1", "Conformance v1", builtIn: true);
            OpenCl = await this.AddTestAsync("vector_add opencl", null, TestVisibility.Consortium, "opencl-c", suiteId: suite);
            Cuda = await this.AddTestAsync("saxpy cuda", lab, TestVisibility.Consortium, "cuda-c", op: "saxpy");
            Client = await CreateClientForAsync(await CreateUserAsync("Matrix Reader", false, (lab, MemberRole.Member)));

            var start = Time.GetUtcNow();
            // OpenCL × H200: failed first, passed later; a newer job still running and a newer one without a SKU do not count.
            var jobs = await this.AddRunAsync(OpenCl, null, (null, H200), (null, H200), (null, H200), (null, H200));
            await this.CompleteJobAsync(jobs[0], KernelStatus.Failed, start.AddMinutes(1), H200);
            Latest = jobs[1];
            LatestAt = start.AddMinutes(2);
            await this.CompleteJobAsync(jobs[1], KernelStatus.Passed, LatestAt, H200, medianMs: 0.5, gbPerSecond: 1200, verified: true);
            await this.UpdateJobAsync(jobs[2], j => j.Status = JobStatus.Running);
            await this.CompleteJobAsync(jobs[3], KernelStatus.Crashed, start.AddMinutes(3), skuId: null);
            // OpenCL × NPU: a compile error; CUDA × H200: cancelled only, so no cell.
            var npu = await this.AddRunAsync(OpenCl, null, (null, Npu));
            await this.CompleteJobAsync(npu[0], KernelStatus.CompileError, start.AddMinutes(1), Npu);
            var cuda = await this.AddRunAsync(Cuda, null, (null, H200));
            await this.UpdateJobAsync(cuda[0], j => (j.Status, j.FinishedAt, j.SkuId) = (JobStatus.Cancelled, start, H200));
        }
    }

    [Fact]
    public async Task Each_cell_is_the_latest_completed_verdict_and_a_sku_claiming_a_language_without_results_is_shown_not_tested()
    {
        var matrix = await portal.Client.GetJsonAsync<MatrixDto>("/api/v1/matrix");

        // The idle GPU claims no language and has no result: no column. The claimed CPU has no result: a column, not tested.
        Assert.Equal([("Atom NPU", true), ("Claimed CPU", false), ("H200", true)], matrix.Skus.Select(s => (s.Name, s.Tested)));
        Assert.DoesNotContain(matrix.Tests, t => t.Cells.ContainsKey(portal.Claimed));
        Assert.Equal(["vector_add opencl", "saxpy cuda"], matrix.Tests.Select(t => t.Name));
        var openCl = matrix.Tests[0].Cells;
        Assert.Equal(("passed", "compile_error"), (openCl[portal.H200].Verdict, openCl[portal.Npu].Verdict));
        var cell = openCl[portal.H200];
        Assert.Equal((portal.Latest, portal.LatestAt, 0.5, 1200.0, true), (cell.JobId, cell.FinishedAt, cell.MedianMs, cell.GbPerSecond, cell.Verified));
        Assert.Equal(0.25, cell.BandwidthShare!.Value, 9);
        Assert.Empty(matrix.Tests[1].Cells);
        Assert.False(matrix.Truncated);
    }

    [Theory]
    [InlineData("?language=cuda-c", "saxpy cuda")]
    [InlineData("?op=vector_add", "vector_add opencl")]
    [InlineData("?dtype=f32&language=opencl-c", "vector_add opencl")]
    [InlineData("?suite=partner-suite-v1", "vector_add opencl")]
    public async Task Filters_choose_the_rows_and_the_columns_follow(string query, string test)
    {
        var matrix = await portal.Client.GetJsonAsync<MatrixDto>("/api/v1/matrix" + query);
        Assert.Equal([test], matrix.Tests.Select(t => t.Name));
        // The H200 claims CUDA C but its only CUDA job was cancelled: a column, not tested.
        Assert.Equal(test == "saxpy cuda" ? [("H200", false)] : new[] { ("Atom NPU", true), ("Claimed CPU", false), ("H200", true) },
            matrix.Skus.Select(s => (s.Name, s.Tested)));
    }

    [Fact]
    public async Task An_unknown_language_is_refused_naming_the_field()
    {
        var problem = await portal.Client.GetAsync("/api/v1/matrix?language=verilog").ExpectValidationProblemAsync();
        Assert.Equal("language", Assert.Single(problem.Errors).Key);
    }

    [Fact]
    public async Task The_csv_export_has_one_row_per_cell()
    {
        var response = await portal.Client.GetAsync("/api/v1/matrix/export.csv").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = Csv.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(["test_id", "test", "op", "language", "suite", "sku_id", "sku", "vendor", "verdict", "median_ms", "gb_per_second",
            "bandwidth_share", "verified", "finished_at", "job_id", "timing_suspect"], rows[0]);
        Assert.Equal(3, rows.Count);
        var h200 = Assert.Single(rows, r => r[6] == "H200");
        Assert.Equal(("vector_add opencl", "partner-suite-v1", "Matrix Vendor", "passed", "0.5", "1200", "0.25", "true", portal.Latest.ToString()),
            (h200[1], h200[4], h200[7], h200[8], h200[9], h200[10], h200[11], h200[12], h200[14]));
        Assert.Equal("false", h200[15]);
        Assert.Equal("compile_error", Assert.Single(rows, r => r[6] == "Atom NPU")[8]);
    }
}
