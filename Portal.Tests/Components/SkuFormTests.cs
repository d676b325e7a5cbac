using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Skus;
using Portal.Components.Skus;

namespace Portal.Tests.Components;

public sealed class SkuFormTests : BunitContext, IAsyncLifetime
{
    private static readonly VendorRef Nvidia = new(Guid.NewGuid(), "NVIDIA", "US");
    private static readonly SkuRef Hbm = new(Guid.NewGuid(), "HBM3E 8H", "SK hynix");

    public SkuFormTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void Shows_each_service_error_beside_its_field()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["name"] = ["This vendor already has a SKU named 'H200'."],
            ["tdpW"] = ["TDP (W) must be at most 20,000; check the unit."],
            ["releaseMonth"] = ["Release month 'March' must be a month written YYYY-MM, e.g. 2024-03."],
            ["languages"] = ["'cuda' is not a kernel language the portal runs."],
            ["components[0].count"] = ["Component 1: the count must be a whole number from 1 to 1000."],
        };
        var model = new SkuFormModel { Components = [new SkuComponentRow { Sku = Hbm, Count = 0 }] };

        var form = Render<SkuForm>(p => p.Add(f => f.Value, model).Add(f => f.Errors, errors));

        var text = form.Find("[data-testid=sku-form]").TextContent;
        foreach (var message in errors.Values.SelectMany(m => m))
            Assert.Contains(message, text);
        Assert.Equal("'cuda' is not a kernel language the portal runs.", form.Find("[data-testid=error-languages]").TextContent.Trim());
        Assert.Empty(form.FindAll("[data-testid=form-problem]"));
    }

    [Fact]
    public void Save_hands_the_typed_values_to_the_page_with_unknown_figures_left_null()
    {
        SkuFormModel? saved = null;
        var model = new SkuFormModel { Vendor = Nvidia, Components = [new SkuComponentRow { Sku = Hbm, Count = 6 }] };
        var form = Render<SkuForm>(p => p
            .Add(f => f.Value, model)
            .Add(f => f.OnSave, (SkuFormModel m) => saved = m));

        form.Find("[data-testid=field-name]").Change("H200 SXM");
        form.Find("[data-testid=field-bf16Tflops]").Change("989");
        form.Find("[data-testid=field-memoryBandwidthTbs]").Change("4.8");
        form.Find("[data-testid=field-releaseMonth]").Change("2024-03");
        form.Find("[data-testid=field-deviceNamePatterns]").Change("NVIDIA H200\n\n  GH200  \n");
        var triton = form.Find("[data-testid=field-language-triton]");
        (triton.TagName == "INPUT" ? triton : triton.QuerySelector("input")!).Change(true);
        form.Find("[data-testid=save]").Click();

        Assert.NotNull(saved);
        var input = saved.ToInput();
        Assert.Equal((Nvidia.Id, "H200 SXM", "gpu", "announced"), (input.VendorId, input.Name, input.Category, input.Lifecycle));
        Assert.Equal((989.0, 4.8), (input.Bf16Tflops, input.MemoryBandwidthTbs));
        Assert.Null(input.TdpW);
        Assert.Null(input.MemoryGb);
        Assert.Equal("2024-03", input.ReleaseMonth);
        Assert.Equal(["NVIDIA H200", "GH200"], input.DeviceNamePatterns);
        Assert.Equal(["triton"], input.Languages);
        var component = Assert.Single(input.Components!);
        Assert.Equal((Hbm.Id, 6), (component.ComponentSkuId, component.Count));
    }

    [Fact]
    public void Components_can_be_added_and_removed()
    {
        var model = new SkuFormModel();
        var form = Render<SkuForm>(p => p.Add(f => f.Value, model));

        form.Find("[data-testid=add-component]").Click();
        form.Find("[data-testid=add-component]").Click();
        Assert.Equal(2, model.Components.Count);
        Assert.Equal(2, form.FindAll("[data-testid^=component-]").Count);

        form.Find("[data-testid=component-0] button[aria-label='Remove component']").Click();
        Assert.Single(model.Components);
    }

    [Fact]
    public void Shows_a_problem_that_is_not_about_one_field_and_disables_save_while_saving()
    {
        var form = Render<SkuForm>(p => p
            .Add(f => f.Value, new SkuFormModel())
            .Add(f => f.Problem, "Someone else changed this SKU after you opened it.")
            .Add(f => f.Saving, true));

        Assert.Equal("Someone else changed this SKU after you opened it.", form.Find("[data-testid=form-problem]").TextContent.Trim());
        Assert.True(form.Find("[data-testid=save]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_detail_loaded_into_the_form_round_trips_to_the_same_input()
    {
        var detail = new SkuDetail(Guid.NewGuid(), Nvidia.Id, "NVIDIA", "US", "H200 SXM", Portal.Data.Skus.SkuCategory.Gpu, Portal.Data.Skus.SkuLifecycle.Ga,
            "2024-03", 141, "HBM3e", 4.8, 989, 1979, null, 700, "TSMC 4N", "SXM5", "CUDA", ["cuda-c"], null, ["NVIDIA H200"],
            [new SkuComponentDto(Hbm.Id, Hbm.Name, Hbm.VendorName, Portal.Data.Skus.SkuCategory.Memory, 6, 24, 0.8, null)], [], [],
            new SkuDerived(null, null, null, null, null, null, 0), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 42);

        var input = SkuFormModel.From(detail).ToInput();

        Assert.Equal((Nvidia.Id, "gpu", "ga", 141.0, (double?)null, 42u), (input.VendorId!.Value, input.Category, input.Lifecycle, input.MemoryGb!.Value, input.Int8Tops, input.Version!.Value));
        Assert.Equal(["NVIDIA H200"], input.DeviceNamePatterns);
        Assert.Equal(6, Assert.Single(input.Components!).Count);
    }
}
