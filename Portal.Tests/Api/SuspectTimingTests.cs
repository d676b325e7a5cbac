using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Matrix;
using Portal.Api.Runs;
using Portal.Data.Jobs;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// DESIGN.md "Timings that break physics": a completed job whose timing implies more than its device can do (the mapped
/// SKU's datasheet, else 1.25× the copy bandwidth the agent measured) keeps its verdict, is marked suspect with the
/// reason, and is left out of the matrix's figures. Results go through the agent protocol, as an agent sends them.
/// </summary>
public sealed class SuspectTimingTests(SuspectTimingTests.Fixture portal) : IClassFixture<SuspectTimingTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Guid Sku { get; private set; }
        public Guid DtypeSku { get; private set; }
        public string RegistrationToken { get; private set; } = "";
        public HttpClient Reader { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            var vendor = await AddOrganizationAsync("Suspect Vendor", OrganizationKind.ChipDesigner);
            // 4.8 TB/s and 989 BF16 TFLOPS on the datasheet: 4,800 GB/s and 989,000 GFLOP/s.
            Sku = await this.AddSkuAsync(vendor, "Physics GPU", SkuCategory.Gpu, s =>
            {
                s.DeviceNamePatterns = ["Physics GPU"];
                s.MemoryBandwidthTbs = 4.8;
                s.Bf16Tflops = 989;
            });
            // 989 BF16 and 1,979 FP8 TFLOPS: a bf16 timing is held to the first, an fp8 one to the second, f32 to the highest.
            DtypeSku = await this.AddSkuAsync(vendor, "Dtype GPU", SkuCategory.Gpu, s =>
            {
                s.DeviceNamePatterns = ["Dtype GPU"];
                s.Bf16Tflops = 989;
                s.Fp8Tflops = 1979;
            });
            RegistrationToken = await this.CreateRegistrationTokenAsync(vendor);
            Reader = await CreateClientForAsync(await CreateUserAsync("Suspect Reader", consortiumAdmin: true));
        }
    }

    private static readonly DeviceReport Mapped = AgentFixtures.Gpu("cuda:0", name: "Physics GPU 141GB");

    [Fact]
    public async Task A_timing_over_the_mapped_skus_datasheet_bandwidth_is_suspect_with_the_reason_and_keeps_its_verdict()
    {
        var (job, dto) = await CompleteAsync(Mapped, gbPerSecond: 6000);

        Assert.Equal((JobStatus.Completed, "passed", true), (job.Status, job.Verdict, job.TimingSuspect));
        Assert.Equal((TimingFigure.GbPerSecond, 4800.0, TimingLimitSource.Datasheet), (job.SuspectFigure!.Value, job.SuspectLimit!.Value, job.SuspectLimitSource!.Value));
        Assert.True(dto.Suspect);
        Assert.Equal("passed", dto.Verdict);
        Assert.Contains("6,000 GB/s", dto.SuspectReason);
        Assert.Contains("4,800 GB/s", dto.SuspectReason);
        Assert.Contains("Physics GPU", dto.SuspectReason);
    }

    [Fact]
    public async Task A_flop_rate_over_the_datasheets_highest_is_suspect_and_one_under_both_limits_is_not()
    {
        var (flops, flopsDto) = await CompleteAsync(Mapped, gbPerSecond: 100, gflopPerSecond: 2_000_000);
        Assert.Equal((true, TimingFigure.GflopPerSecond, 989_000.0), (flops.TimingSuspect, flops.SuspectFigure!.Value, flops.SuspectLimit!.Value));
        Assert.Contains("989,000 GFLOP/s", flopsDto.SuspectReason);

        var (honest, honestDto) = await CompleteAsync(Mapped, gbPerSecond: 4000, gflopPerSecond: 500_000);
        Assert.False(honest.TimingSuspect);
        Assert.Null(honest.SuspectFigure);
        Assert.False(honestDto.Suspect);
        Assert.Null(honestDto.SuspectReason);
    }

    [Theory]
    [InlineData("bf16", true, 989_000.0, TimingLimitSource.DatasheetBf16, "BF16")]
    [InlineData("fp8e4m3", false, null, null, null)]
    [InlineData("f32", false, null, null, null)]
    [InlineData(null, false, null, null, null)]
    public async Task A_flop_rate_is_held_to_the_datasheet_figure_for_its_dtype(string? dtype, bool suspect, double? limit,
        TimingLimitSource? source, string? named)
    {
        // 1,200 TFLOP/s: over the BF16 rate, under the FP8 one (the highest, which bounds f32 and results without a dtype).
        var (job, dto) = await CompleteAsync(AgentFixtures.Gpu("cuda:0", name: "Dtype GPU 80GB"), gbPerSecond: 100, gflopPerSecond: 1_200_000, dtype: dtype);

        Assert.Equal((suspect, limit, source), (job.TimingSuspect, job.SuspectLimit, job.SuspectLimitSource));
        if (named is not null)
        {
            Assert.Contains("989,000 GFLOP/s", dto.SuspectReason);
            Assert.Contains(named, dto.SuspectReason);
        }
    }

    [Fact]
    public async Task An_fp8_flop_rate_over_the_fp8_figure_is_suspect_naming_it()
    {
        var (job, dto) = await CompleteAsync(AgentFixtures.Gpu("cuda:0", name: "Dtype GPU 80GB"), gbPerSecond: 100, gflopPerSecond: 2_500_000, dtype: "fp8e5m2");

        Assert.Equal((true, 1_979_000.0, TimingLimitSource.DatasheetFp8), (job.TimingSuspect, job.SuspectLimit!.Value, job.SuspectLimitSource!.Value));
        Assert.Contains("FP8", dto.SuspectReason);
    }

    [Theory]
    [InlineData(130, true)]
    [InlineData(110, false)]
    public async Task An_unmapped_device_is_held_against_one_and_a_quarter_times_the_copy_bandwidth_its_agent_measured(double gbPerSecond, bool suspect)
    {
        var device = AgentFixtures.PoclCpu with { CopyBandwidthGbPerSecond = 100 };

        var (job, dto) = await CompleteAsync(device, gbPerSecond);

        Assert.Null(job.SkuId);
        Assert.Equal(suspect, job.TimingSuspect);
        Assert.Equal("passed", job.Verdict);
        if (suspect)
        {
            Assert.Equal((125.0, TimingLimitSource.CopyBandwidth), (job.SuspectLimit!.Value, job.SuspectLimitSource!.Value));
            Assert.Contains("130 GB/s", dto.SuspectReason);
            Assert.Contains("125 GB/s", dto.SuspectReason);
            Assert.Contains("1.25", dto.SuspectReason);
        }
    }

    [Fact]
    public async Task A_device_with_no_figure_at_all_is_not_checked_so_nothing_is_suspect()
    {
        // Unmapped, and its agent measured no copy bandwidth (an older agent, or a probe that failed): no limit to hold it to.
        var (job, dto) = await CompleteAsync(AgentFixtures.PoclCpu, gbPerSecond: 1_000_000, gflopPerSecond: 1_000_000_000);

        Assert.False(job.TimingSuspect);
        Assert.False(dto.Suspect);
    }

    [Fact]
    public async Task The_matrix_leaves_a_suspect_timing_out_so_a_faster_suspect_one_does_not_win()
    {
        var (agent, device) = await AgentAsync(Mapped);
        var test = await portal.AddVectorAddTestAsync("cuda-c");
        await CompleteAsync(agent, device, test, gbPerSecond: 3000);
        portal.Time.Advance(TimeSpan.FromMinutes(1));
        var (suspect, _) = await CompleteAsync(agent, device, test, gbPerSecond: 9000);

        var matrix = await portal.Reader.GetJsonAsync<MatrixDto>("/api/v1/matrix?language=cuda-c");
        var cell = matrix.Tests.Single(t => t.Id == test).Cells[portal.Sku];

        Assert.Equal((suspect.Id, "passed", true), (cell.JobId, cell.Verdict, cell.Suspect));
        Assert.Null(cell.GbPerSecond);
        Assert.Null(cell.MedianMs);
        Assert.Null(cell.BandwidthShare);
    }

    [Fact]
    public async Task A_reported_copy_bandwidth_must_be_a_positive_number()
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.RegistrationToken);
        var refused = await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([AgentFixtures.PoclCpu with { CopyBandwidthGbPerSecond = -5 }]))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("devices[0].copyBandwidthGbPerSecond", await refused.Content.ReadAsStringAsync());
    }

    private async Task<(HttpClient Agent, Guid Device)> AgentAsync(DeviceReport device)
    {
        var (agent, _) = await portal.RegisterAgentAsync(portal.RegistrationToken, devices: device);
        var reported = await agent.PutJsonAsync("/api/v1/agent/devices", new DevicesReport([device])).ExpectAsync<List<ReportedDevice>>(HttpStatusCode.OK);
        return (agent, reported.Single().DeviceId);
    }

    private async Task<(Job Job, JobDto Dto)> CompleteAsync(DeviceReport device, double gbPerSecond, double? gflopPerSecond = null,
        string? dtype = null)
    {
        var (agent, deviceId) = await AgentAsync(device);
        var language = device.Languages.Contains("cuda-c") ? "cuda-c" : "opencl-c";
        return await CompleteAsync(agent, deviceId, await portal.AddVectorAddTestAsync(language), gbPerSecond, gflopPerSecond, dtype);
    }

    /// <summary>Runs the test on the device and completes its job with a passing result of these rates, as the agent would.</summary>
    private async Task<(Job Job, JobDto Dto)> CompleteAsync(HttpClient agent, Guid deviceId, Guid test, double gbPerSecond, double? gflopPerSecond = null,
        string? dtype = null)
    {
        var run = await portal.SubmitAsync(test, $"device:{deviceId}");
        var localId = await portal.WithDbAsync(db => db.AgentDevices.Where(d => d.Id == deviceId).Select(d => d.LocalId).SingleAsync());
        var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest([localId], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
        var timing = new TimingResult(new Dictionary<string, double> { ["n"] = 1 << 24 }, 20, 0.1, 0.1, 0.1, 0.1, 0, 0.1, gbPerSecond, gflopPerSecond, dtype);
        await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete",
            new JobCompletion(lease.LeaseId, new KernelResult(KernelStatus.Passed, "all cases passed", Timing: timing))).ExpectAsync(HttpStatusCode.OK);

        var job = await portal.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == lease.JobId));
        var dto = (await portal.Reader.GetJsonAsync<RunDto>($"/api/v1/runs/{run}")).Jobs.Single(j => j.Id == lease.JobId);
        return (job, dto);
    }
}
