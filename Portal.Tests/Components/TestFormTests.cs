using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Components.Pages.Tests;
using Portal.Components.Tests;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The new-test page against a real database: validation beside each field, nothing saved while the spec is wrong.</summary>
public sealed class TestFormTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_bad_spec_shows_each_message_beside_its_field_keeps_the_input_and_saves_nothing()
    {
        var partner = await AddOrganizationAsync("FuriosaAI");
        await SignInAsync(partner);
        var page = Render<TestEdit>();
        page.WaitForElement("[data-testid=field-name]", Wait);

        page.Find("[data-testid=field-name]").Change("Fast add");
        page.Find("[data-testid=launch-global-0]").Change("ceil_div(m, 256) * 256");
        page.Find("[data-testid=field-entry]").Change("1st");
        page.Find("[data-testid=save]").Click();

        page.WaitForAssertion(() => Assert.Contains("unknown name 'm'", Field(page, "launch-global-0").TextContent), Wait);
        Assert.Contains("'1st' is not an identifier", Field(page, "field-entry").TextContent);
        Assert.Contains("Some fields need attention", page.Find("[data-testid=form-problem]").TextContent);
        Assert.Equal("Fast add", page.Find("[data-testid=field-name]").GetAttribute("value"));
        Assert.Equal(0, await InDbAsync(db => db.CompatibilityTests.CountAsync()));

        // Cases that are not JSON never reach the service; the message sits under the cases.
        page.Find("[data-testid=field-entry]").Change("vector_add");
        page.Find("[data-testid=launch-global-0]").Change("ceil_div(n, 256) * 256");
        page.Find("[data-testid=field-cases]").Change("[{n: 1}]");
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.Contains("not valid JSON", page.Find("[data-testid=error-cases]").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=validation-ok]"));
        Assert.Equal(0, await InDbAsync(db => db.CompatibilityTests.CountAsync()));
    }

    [Fact]
    public async Task Validate_checks_without_saving_then_save_stores_the_starter_kernel_and_opens_the_test()
    {
        var partner = await AddOrganizationAsync("Rebellions");
        await SignInAsync(partner);
        var page = Render<TestEdit>();
        page.WaitForElement("[data-testid=field-name]", Wait);
        // The starter is the built-in suite's kernel for the op and language, with its launch shape.
        Assert.Equal("ceil_div(n, 256) * 256", page.Find("[data-testid=launch-global-0]").GetAttribute("value"));
        Assert.Contains("z = x + y", page.Find("[data-testid=op-semantics]").TextContent);

        page.Find("[data-testid=validate]").Click();
        page.WaitForAssertion(() => Assert.Contains("Name", Field(page, "field-name").TextContent), Wait);
        Assert.Empty(page.FindAll("[data-testid=validation-ok]"));

        page.Find("[data-testid=field-name]").Change("vector_add, float4 loads");
        page.Find("[data-testid=validate]").Click();
        page.WaitForElement("[data-testid=validation-ok]", Wait);
        // Validating checks the spec's form, not the kernel: it has not been compiled, so it must not be called valid.
        Assert.Contains("well-formed", page.Find("[data-testid=validation-ok]").TextContent);
        Assert.Contains("compiles", page.Find("[data-testid=validation-ok]").TextContent);
        Assert.Equal(0, await InDbAsync(db => db.CompatibilityTests.CountAsync()));

        page.Find("[data-testid=save]").Click();

        var saved = await PollAsync(() => InDbAsync(db => db.CompatibilityTests.AsNoTracking().SingleOrDefaultAsync()));
        Assert.Equal(("vector_add, float4 loads", partner, "vector_add", "opencl-c"), (saved.Name, saved.OrganizationId!.Value, saved.Op, saved.Language));
        Assert.Contains("__kernel", saved.Spec.Source);
        page.WaitForAssertion(() => Assert.EndsWith($"/tests/{saved.Id}", Services.GetRequiredService<NavigationManager>().Uri), Wait);
    }

    [Fact]
    public void The_starter_kernel_of_every_op_and_language_is_a_valid_spec()
    {
        foreach (var language in KernelLanguages.Names)
        {
            foreach (var op in OpCatalog.Names)
            {
                var model = new TestFormModel { Name = "starter", Op = op, Language = language };
                model.ApplyStarter();
                var local = new ValidationErrors();
                var (valid, errors) = TestValidator.Validate(model.ToInput(local));
                Assert.False(local.Any || errors.Any, $"{op} in {language}: {string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => e.Key + ": " + m)))}");
                Assert.Equal((op, language), (valid!.Op, valid.Language));
                Assert.True(model.SourceIsStarter);
            }
        }
    }

    [Fact]
    public void The_form_sends_an_embargo_day_only_for_a_private_test_at_the_start_of_that_day_utc()
    {
        var model = new TestFormModel { Name = "embargoed", Op = "vector_add", Language = "opencl-c", Visibility = "private", EmbargoUntil = new DateTime(2027, 3, 1, 15, 30, 0) };
        model.ApplyStarter();
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero), model.ToInput(new ValidationErrors()).EmbargoUntil);
        model.Visibility = "consortium";
        Assert.Null(model.ToInput(new ValidationErrors()).EmbargoUntil);
    }

    /// <summary>The MudBlazor control around an input: where its error text is shown.</summary>
    private static IElement Field(IRenderedComponent<TestEdit> page, string testId) =>
        page.Find($"[data-testid={testId}]").Closest(".mud-input-control") ?? throw new InvalidOperationException($"{testId} has no input control");

    private static async Task<T> PollAsync<T>(Func<Task<T?>> read) where T : class
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            if (await read() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not come true in time.");
            SpinWait.SpinUntil(() => false, 20);
        }
    }
}
