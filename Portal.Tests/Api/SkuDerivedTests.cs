using Portal.Api.Skus;
using Portal.Components.Skus;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Derived figures on the detail and compare answers, computed from known published specs.</summary>
public sealed class SkuDerivedTests(SkuDerivedTests.Specs specs) : IClassFixture<SkuDerivedTests.Specs>
{
    public sealed class Specs : PortalFactory
    {
        public Guid H200 { get; private set; }
        public Guid Hbm { get; private set; }
        public Guid Accelerator { get; private set; }
        public Guid Unknowns { get; private set; }
        public HttpClient Client { get; private set; } = null!;

        protected override async Task StartedAsync()
        {
            var nvidia = await AddOrganizationAsync("NVIDIA", OrganizationKind.ChipDesigner, "US");
            var sk = await AddOrganizationAsync("SK hynix", OrganizationKind.MemoryMaker, "KR");
            H200 = await this.AddSkuAsync(nvidia, "H200 SXM", configure: SkuFixtures.H200);
            Hbm = await this.AddSkuAsync(sk, "HBM3E 8-high 24 GB", SkuCategory.Memory, s => (s.MemoryGb, s.MemoryBandwidthTbs) = (24, 0.8));
            // An accelerator whose own memory figures are not published: the totals come from its 6 stacks.
            Accelerator = await this.AddSkuAsync(nvidia, "Six-stack accelerator", configure: s => (s.Bf16Tflops, s.TdpW) = (1000, 800));
            await this.AddComponentAsync(Accelerator, Hbm, 6);
            Unknowns = await this.AddSkuAsync(nvidia, "Announced, no figures", configure: s => s.Lifecycle = SkuLifecycle.Announced);
            Client = CreateBootstrapClient();
        }
    }

    private Task<SkuDetail> GetAsync(Guid id) => specs.Client.GetJsonAsync<SkuDetail>($"/api/v1/skus/{id}");

    [Fact]
    public async Task H200_figures_are_the_published_specs_divided_out()
    {
        var derived = (await GetAsync(specs.H200)).Derived;

        // 989 TFLOP/s over 4.8 TB/s: about 206 FLOP for every byte read from HBM.
        Assert.Equal(989 / 4.8, derived.Bf16FlopPerByte!.Value, 9);
        Assert.Equal(206.04, derived.Bf16FlopPerByte.Value, 2);
        Assert.Equal(989.0 / 700, derived.Bf16TflopsPerWatt!.Value, 9);
        Assert.Equal(1979.0 / 700, derived.Fp8TflopsPerWatt!.Value, 9);
        Assert.Equal(141.0 / 989, derived.MemoryGbPerBf16Tflop!.Value, 9);
        Assert.Null(derived.ComponentMemoryGb);
        Assert.Null(derived.ComponentBandwidthTbs);
        Assert.Equal(0, derived.ComponentUnits);
    }

    [Fact]
    public async Task Totals_add_up_the_components_count_times_figure()
    {
        var accelerator = await GetAsync(specs.Accelerator);

        Assert.Equal(144, accelerator.Derived.ComponentMemoryGb!.Value, 9);
        Assert.Equal(4.8, accelerator.Derived.ComponentBandwidthTbs!.Value, 9);
        Assert.Equal(6, accelerator.Derived.ComponentUnits);
        Assert.Equal(1000.0 / 800, accelerator.Derived.Bf16TflopsPerWatt!.Value, 9);
        // Its own bandwidth is unknown, so FLOP per byte is too: totals are shown, never substituted silently.
        Assert.Null(accelerator.Derived.Bf16FlopPerByte);
        Assert.Equal("Six-stack accelerator", Assert.Single((await GetAsync(specs.Hbm)).UsedBy).Name);
    }

    [Fact]
    public async Task Every_derived_figure_is_null_when_an_input_is_unknown()
    {
        var derived = (await GetAsync(specs.Unknowns)).Derived;
        Assert.Equal(new SkuDerived(null, null, null, null, null, null, 0), derived);
    }

    [Fact]
    public async Task Compare_carries_the_same_derived_figures()
    {
        var skus = await specs.Client.GetJsonAsync<List<SkuDetail>>($"/api/v1/skus/compare?ids={specs.H200},{specs.Accelerator}");
        Assert.Equal(989 / 4.8, skus[0].Derived.Bf16FlopPerByte!.Value, 9);
        Assert.Equal(144, skus[1].Derived.ComponentMemoryGb!.Value, 9);
    }

    [Fact]
    public void A_component_total_is_null_when_any_part_lacks_the_figure()
    {
        SkuComponentDto Part(double? memory) => new(Guid.NewGuid(), "part", "vendor", SkuCategory.Memory, 2, memory, null, null);

        Assert.Equal(48, SkuFigures.Total([Part(24)], c => c.MemoryGb));
        Assert.Null(SkuFigures.Total([Part(24), Part(null)], c => c.MemoryGb));
        Assert.Null(SkuFigures.Total([], c => c.MemoryGb));
        Assert.Null(SkuFigures.Ratio(989, 0));
    }

    [Fact]
    public void The_compare_view_marks_the_best_known_value_and_all_ties()
    {
        Assert.Equal([1], SkuComparison.Best([989, 1979, null], higherIsBetter: true).Order());
        Assert.Equal([0, 2], SkuComparison.Best([700, 1000, 700], higherIsBetter: false).Order());
        Assert.Empty(SkuComparison.Best([4.8, null], higherIsBetter: true));
        Assert.Empty(SkuComparison.Best([700, 1000], higherIsBetter: null));
    }
}
