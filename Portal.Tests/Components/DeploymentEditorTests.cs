using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Deployments;
using Portal.Components.Deployments;
using Portal.Data.Skus;

namespace Portal.Tests.Components;

/// <summary>The hardware line and milestone editors: the service's messages beside the fields, typed values handed on.</summary>
public sealed class DeploymentEditorTests : BunitContext, IAsyncLifetime
{
    private static readonly SkuChoice Rngd = new(Guid.NewGuid(), "RNGD", "FuriosaAI", SkuCategory.Npu, 256);

    public DeploymentEditorTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private static Task<IEnumerable<SkuChoice>> Search(string? text, CancellationToken cancellationToken) =>
        Task.FromResult<IEnumerable<SkuChoice>>([Rngd]);

    [Fact]
    public void The_line_editor_shows_each_message_beside_its_field()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["skuId"] = ["There is no hardware SKU with id 42."],
            ["plannedUnits"] = ["Planned units cannot be negative."],
            ["installedUnits"] = ["Installed units (20) cannot exceed planned units (10)."],
        };

        var editor = Render<HardwareLineEditor>(p => p
            .Add(e => e.Value, new HardwareLineModel())
            .Add(e => e.SearchSkus, Search)
            .Add(e => e.Errors, errors));

        foreach (var (field, testId) in new[] { ("skuId", "line-sku"), ("plannedUnits", "line-planned"), ("installedUnits", "line-installed") })
        {
            var input = editor.Find($"[data-testid={testId}]");
            var container = input.Closest(".mud-input-control")!;
            Assert.Contains(errors[field][0], container.TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_line_editor_hands_the_typed_units_to_the_page()
    {
        HardwareLineModel? saved = null;
        var editor = Render<HardwareLineEditor>(p => p
            .Add(e => e.Value, new HardwareLineModel { Sku = Rngd })
            .Add(e => e.SearchSkus, Search)
            .Add(e => e.OnSave, (HardwareLineModel m) => saved = m));

        // Typed, then Save at once, with no blur in between: the units must commit as they are typed (they were lost
        // when they committed on change only, and the browser journey failed now and then).
        editor.Find("[data-testid=line-planned]").Input("1200");
        editor.Find("[data-testid=line-installed]").Input("300");
        editor.Find("[data-testid=line-save]").Click();

        var input = saved!.ToInput();
        Assert.Equal((Rngd.Id, 1200L, 300L), (input.SkuId, input.PlannedUnits, input.InstalledUnits));
    }

    [Fact]
    public void The_milestone_editor_shows_date_and_title_messages_and_a_problem()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["date"] = ["Date is required."],
            ["title"] = ["Title is required."],
        };

        var editor = Render<MilestoneEditor>(p => p
            .Add(e => e.Value, new MilestoneModel())
            .Add(e => e.Errors, errors)
            .Add(e => e.Problem, "Someone else changed this milestone after you opened it."));

        Assert.Contains("Date is required.", editor.Find("[data-testid=milestone-date]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Title is required.", editor.Find("[data-testid=milestone-title]").Closest(".mud-input-control")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Someone else changed this milestone after you opened it.", editor.Find("[data-testid=milestone-problem]").TextContent.Trim());
    }

    [Fact]
    public void The_milestone_editor_hands_on_the_date_the_browser_typed()
    {
        MilestoneModel? saved = null;
        var editor = Render<MilestoneEditor>(p => p
            .Add(e => e.Value, new MilestoneModel())
            .Add(e => e.OnSave, (MilestoneModel m) => saved = m));

        editor.Find("[data-testid=milestone-date]").Change("2027-03-31");
        editor.Find("[data-testid=milestone-title]").Change("Power-on");
        editor.Find("[data-testid=milestone-save]").Click();

        var input = saved!.ToInput();
        Assert.Equal((new DateOnly(2027, 3, 31), "Power-on", "planned"), (input.Date, input.Title, input.Status));
        Assert.Null(new MilestoneModel { Date = "31/03/2027" }.ToInput().Date);
    }

    [Fact]
    public void The_editors_speak_korean_in_the_korean_culture()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("ko");
            var editor = Render<MilestoneEditor>(p => p.Add(e => e.Value, new MilestoneModel()));

            Assert.Contains("제목", editor.Markup, StringComparison.Ordinal);
            Assert.Contains("저장", editor.Find("[data-testid=milestone-save]").TextContent, StringComparison.Ordinal);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}
