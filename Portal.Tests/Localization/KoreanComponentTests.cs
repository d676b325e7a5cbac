using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Common;
using Portal.Components.Organizations;
using Portal.Components.Shared;
using Portal.Data.Organizations;

namespace Portal.Tests.Localization;

/// <summary>Components render the current UI culture's texts, as a Blazor circuit started in Korean would.</summary>
public sealed class KoreanComponentTests : BunitContext, IAsyncLifetime
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public KoreanComponentTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("ko");
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }

    [Fact]
    public void The_organisation_form_labels_its_fields_and_buttons_in_korean()
    {
        var form = Render<OrganizationForm>(p => p
            .Add(f => f.Value, new OrganizationFormModel())
            .Add(f => f.Errors, new Dictionary<string, string[]> { ["name"] = ["이름은(는) 필수 항목입니다."] }));

        var labels = form.FindAll("label").Select(l => l.TextContent.Trim()).ToList();
        Assert.Contains("이름", labels);
        Assert.Contains("유형", labels);
        Assert.Contains("국가", labels);
        Assert.Contains("웹사이트", labels);
        Assert.Contains("설명", labels);
        Assert.Equal("저장", form.Find("[data-testid=save]").TextContent.Trim());
        Assert.Contains("취소", form.Markup);
        Assert.Contains("이름은(는) 필수 항목입니다.", form.Markup);
        Assert.DoesNotContain(">Save<", form.Markup);
    }

    [Fact]
    public void The_organisation_form_shows_the_chosen_kind_and_country_by_their_korean_names()
    {
        var form = Render<OrganizationForm>(p => p.Add(f => f.Value, new OrganizationFormModel { Kind = "memory_maker", Country = "KR" }));

        var shown = form.FindAll("input").Select(i => i.GetAttribute("value")).ToList();
        Assert.Contains("메모리 제조사", shown);
        Assert.Contains("대한민국 (KR)", shown);
    }

    [Fact]
    public void Enum_labels_and_statuses_read_in_korean()
    {
        Assert.Equal("메모리 제조사", OrganizationLabels.Kind(OrganizationKind.MemoryMaker));
        Assert.Equal("관리자", OrganizationLabels.Role(MemberRole.Admin));
        Assert.Equal("거절됨", OrganizationLabels.JoinStatus(JoinRequestStatus.Declined));

        var chip = Render<StatusChip>(p => p.Add(c => c.Text, "created").Add(c => c.Label, AuditLabels.Action("created")));
        Assert.Equal("생성", chip.Find(".mud-chip").TextContent.Trim());
        Assert.Equal("설명", AuditLabels.Field("Description"));
        Assert.Equal("MemoryCapacityGb", AuditLabels.Field("MemoryCapacityGb"));
    }

    [Fact]
    public void MudBlazor_own_texts_are_korean()
    {
        var pagination = Render<MudPagination>(p => p.Add(c => c.Count, 3).Add(c => c.ShowFirstButton, true).Add(c => c.ShowLastButton, true));

        Assert.Contains("aria-label=\"첫 페이지\"", pagination.Markup);
        Assert.Contains("aria-label=\"마지막 페이지\"", pagination.Markup);
        Assert.DoesNotContain("First page", pagination.Markup);
    }

    [Fact]
    public void Dates_numbers_and_money_follow_the_culture()
    {
        var at = new DateTimeOffset(2026, 3, 9, 14, 5, 0, TimeSpan.Zero);

        Assert.Equal("2026. 3. 9.", CultureFormat.Date(at));
        Assert.Equal("1,234,567", CultureFormat.Number(1_234_567));
        Assert.Equal("₩1,500,000,000", Money.Format(1_500_000_000m, "KRW"));
        Assert.Equal("$2,500.50", Money.Format(2500.5m, "USD"));

        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
        Assert.Equal("3/9/2026", CultureFormat.Date(at));
        Assert.Equal("₩1,500,000,000", Money.Format(1_500_000_000m, "KRW"));
        Assert.Equal("$2,500.50", Money.Format(2500.5m, "USD"));
    }

    [Fact]
    public void Countries_are_named_in_korean()
    {
        Assert.Equal("대한민국", Portal.Api.Common.Countries.Display("KR"));
        Assert.Equal("독일", Portal.Api.Common.Countries.Display("DE"));
        CultureInfo.CurrentUICulture = new CultureInfo("en");
        Assert.Equal("South Korea", Portal.Api.Common.Countries.Display("KR"));
    }
}
