using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Portal.Components.Shared;

/// <summary>
/// MudBlazor's own texts: pagers, table loading, inputs, dialogs, date pickers, data grid filters
/// (MudBlazorText.resx holds MudBlazor's English defaults, MudBlazorText.ko.resx their Korean).
/// </summary>
public sealed class MudBlazorText;

/// <summary>Hands MudBlazor the texts above; MudBlazor keeps its built-in English when the UI is English.</summary>
public sealed class PortalMudLocalizer(IStringLocalizer<MudBlazorText> texts) : MudLocalizer
{
    public override LocalizedString this[string key] => texts[key];

    public override LocalizedString this[string key, params object[] arguments] => texts[key, arguments];
}
