using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Alliances;
using Portal.Components.Organizations;

namespace Portal.Tests.Components;

public sealed class OrganizationFormTests : BunitContext, IAsyncLifetime
{
    private static readonly AllianceDto Stargate = new(Guid.NewGuid(), "Stargate", null, 3, DateTimeOffset.UnixEpoch, 1);

    public OrganizationFormTests()
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
            ["name"] = ["Name is required."],
            ["country"] = ["'XX' is not an ISO 3166-1 alpha-2 country code (e.g. KR, US, DE)."],
            ["website"] = ["Website must be an absolute http:// or https:// address, e.g. https://example.com."],
        };

        var form = Render<OrganizationForm>(p => p
            .Add(f => f.Value, new OrganizationFormModel())
            .Add(f => f.Errors, errors));

        Assert.Contains("Name is required.", form.Markup);
        Assert.Contains("is not an ISO 3166-1 alpha-2 country code", form.Markup);
        Assert.Contains("Website must be an absolute", form.Markup);
        Assert.DoesNotContain("Kind is required.", form.Markup);
    }

    [Fact]
    public void Save_hands_the_typed_values_to_the_page()
    {
        OrganizationFormModel? saved = null;
        var model = new OrganizationFormModel { Kind = "foundry", Country = "KR", AllianceIds = [Stargate.Id] };
        var form = Render<OrganizationForm>(p => p
            .Add(f => f.Value, model)
            .Add(f => f.Alliances, [Stargate])
            .Add(f => f.OnSave, (OrganizationFormModel m) => saved = m));

        form.Find("[data-testid=field-name]").Change("Korea Foundry");
        form.Find("[data-testid=field-description]").Change("Makes wafers.");
        form.Find("[data-testid=save]").Click();

        Assert.NotNull(saved);
        var input = saved.ToInput();
        Assert.Equal("Korea Foundry", input.Name);
        Assert.Equal("Makes wafers.", input.Description);
        Assert.Equal("foundry", input.Kind);
        Assert.Equal(new[] { Stargate.Id }, input.AllianceIds);
    }

    [Fact]
    public void Shows_a_problem_that_is_not_about_one_field()
    {
        var form = Render<OrganizationForm>(p => p
            .Add(f => f.Value, new OrganizationFormModel())
            .Add(f => f.Problem, "Someone else changed this organisation after you opened it."));

        Assert.Equal("Someone else changed this organisation after you opened it.", form.Find("[data-testid=form-problem]").TextContent.Trim());
    }

    [Fact]
    public void Disables_save_while_saving()
    {
        var form = Render<OrganizationForm>(p => p
            .Add(f => f.Value, new OrganizationFormModel())
            .Add(f => f.Saving, true));

        Assert.True(form.Find("[data-testid=save]").HasAttribute("disabled"));
    }
}
