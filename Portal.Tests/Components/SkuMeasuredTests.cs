using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Conformance;
using Portal.Api.Runs;
using Portal.Components.Conformance;
using Portal.Api.Skus;
using Portal.Components.Measured;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>What a person reads at the top of a SKU page and in the catalogue's measured column, in English and Korean.</summary>
public sealed class SkuMeasuredTests : DatabaseComponentContext
{
    protected override void AddFeatureServices(IServiceCollection services)
    {
    }

    private static readonly DateTimeOffset Finished = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly SkuMeasured Measured = new(
    [
        new("opencl-c", true, new PassRate(4, 3), new PassRate(1, 0)),
        new("cuda-c", true, null, null),
        new("triton", false, null, null),
    ]);

    private static readonly IReadOnlyList<SkuVerdict> Verdicts =
    [
        Verdict("m matmul", "matmul", "f32", new MeasuredRate(RateUnit.GflopPerSecond, 1073.741824, null, "f32")),
        Verdict("m matmul bf16", "matmul", "bf16", new MeasuredRate(RateUnit.GflopPerSecond, 494_500, 0.5, "bf16")),
        Verdict("m vector_add", "vector_add", "f32", new MeasuredRate(RateUnit.GbPerSecond, 0.35, 0.35 / 4800, "f32")),
    ];

    [Fact]
    public void The_summary_reads_a_rate_per_language_not_claimed_apart_from_not_tested_and_compute_bound_ops_in_gflops() =>
        InCulture("en-US", () =>
        {
            var view = Render<SkuMeasuredSummary>(p => p.Add(x => x.Measured, Measured).Add(x => x.Verdicts, Verdicts));

            Assert.Equal("75% (3/4)", view.Find("[data-testid=measured-language-opencl-c] [data-testid=verified-rate]").TextContent.Trim());
            Assert.Contains("Partner-reported: 0% (0/1)", view.Find("[data-testid=measured-language-opencl-c] [data-testid=reported-rate]").TextContent);
            Assert.Equal("not tested", view.Find("[data-testid=measured-language-cuda-c] [data-testid=verified-rate]").TextContent.Trim());
            Assert.Equal("not claimed", view.Find("[data-testid=measured-language-triton] [data-testid=verified-rate]").TextContent.Trim());
            Assert.DoesNotContain("0%", view.Find("[data-testid=measured-language-triton]").TextContent);

            var rows = view.FindAll("[data-testid=sku-verdict]");
            Assert.Contains("1,074 GFLOP/s", rows[0].TextContent);
            // A measured figure links to the result that measured it.
            Assert.Equal($"/results/{Verdicts[0].JobId}", rows[0].QuerySelector("a[data-testid=verdict-rate-result]")?.GetAttribute("href"));
            Assert.Contains("no F32 TFLOP/s on the datasheet", rows[0].TextContent);
            Assert.Contains("494,500 GFLOP/s", rows[1].TextContent);
            Assert.Contains("50% of BF16 TFLOP/s", rows[1].TextContent);
            // A slow device's bandwidth still reads as a figure, never "0 GB/s".
            Assert.Contains("0.350 GB/s", rows[2].TextContent);
            Assert.DoesNotContain("GB/s", rows[0].TextContent);
            Assert.NotNull(view.Find("[data-testid=sku-charts]"));
        });

    [Fact]
    public void In_korean_the_summary_and_the_catalogue_cell_read_in_korean() =>
        InCulture("ko", () =>
        {
            var view = Render<SkuMeasuredSummary>(p => p.Add(x => x.Measured, Measured).Add(x => x.Verdicts, Verdicts));
            Assert.Equal("미시험", view.Find("[data-testid=measured-language-cuda-c] [data-testid=verified-rate]").TextContent.Trim());
            Assert.Equal("지원 미표기", view.Find("[data-testid=measured-language-triton] [data-testid=verified-rate]").TextContent.Trim());
            Assert.Contains("BF16 TFLOP/s의 50%", view.FindAll("[data-testid=sku-verdict]")[1].TextContent);

            var cell = Render<MeasuredCell>(p => p.Add(x => x.Measured, Measured).Add(x => x.Languages, ["opencl-c", "cuda-c"]));
            Assert.Contains("검증 75% (3/4)", cell.Find("[data-testid=measured-opencl-c]").TextContent);
            Assert.Contains("미시험", cell.Find("[data-testid=measured-cuda-c]").TextContent);
            Assert.Contains("지원 미표기: triton", cell.Find("[data-testid=measured-not-claimed]").TextContent);
        });

    [Fact]
    public void The_catalogue_cell_shows_the_verified_rate_else_the_partner_reported_one() =>
        InCulture("en-US", () =>
        {
            var reportedOnly = new SkuMeasured([new("opencl-c", true, null, new PassRate(2, 1)), new("cuda-c", false, null, null), new("triton", false, null, null)]);
            var cell = Render<MeasuredCell>(p => p.Add(x => x.Measured, reportedOnly).Add(x => x.Languages, ["opencl-c"]));

            Assert.Contains("50% (1/2) partner-reported", cell.Find("[data-testid=measured-opencl-c]").TextContent);
            Assert.Contains("not claimed: cuda-c, triton", cell.Find("[data-testid=measured-not-claimed]").TextContent);
        });

    [Fact]
    public void The_conformance_profile_reads_a_matmul_in_gflops_and_a_vector_add_in_gbs() =>
        InCulture("en-US", () =>
        {
            var matmul = new ConformanceCellDto("opencl-c", Guid.NewGuid(), "passed", Guid.NewGuid(), Finished, true, 2.0, 0.003, false,
                new MeasuredRate(RateUnit.GflopPerSecond, 1073.741824, null, "f32"));
            var add = new ConformanceCellDto("opencl-c", Guid.NewGuid(), "passed", Guid.NewGuid(), Finished, true, 0.42, 402.6, false,
                new MeasuredRate(RateUnit.GbPerSecond, 402.6, null, "f32"));
            var profile = new ConformanceProfileDto("Conformance suite v1", [new("opencl-c", 2, 2, 2, 1.0, true)],
                [new("vector_add", [add]), new("matmul", [matmul])], [], Verified: true, LastResultAt: Finished);

            var view = Render<ConformanceProfile>(p => p.Add(x => x.Profile, profile));

            Assert.Contains("2 ms · 1,074 GFLOP/s", view.Find("[data-testid=op-matmul]").TextContent);
            Assert.DoesNotContain("GB/s", view.Find("[data-testid=op-matmul]").TextContent);
            Assert.Contains("0.42 ms · 403 GB/s", view.Find("[data-testid=op-vector_add]").TextContent);
        });

    private static SkuVerdict Verdict(string name, string op, string dtype, MeasuredRate rate) =>
        new(Guid.NewGuid(), name, op, "opencl-c", dtype, Guid.NewGuid(), "passed", Finished, true, 2.0, rate, false);

    private static void InCulture(string name, Action test)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);
        try
        {
            test();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
