using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Components.Shared;

/// <summary>
/// Filters and tabs live in the page's address. A change replaces the current history entry (it adds none), so Back
/// leaves the page and, coming back, finds it as it was shown; a copied link reproduces the same view.
/// </summary>
public static class AddressState
{
    /// <summary>Writes <paramref name="parameters"/> into the address; a null value removes its parameter.</summary>
    public static void KeepInAddress(this NavigationManager navigation, IReadOnlyDictionary<string, object?> parameters)
    {
        var uri = navigation.GetUriWithQueryParameters(parameters);
        if (uri != navigation.Uri)
            navigation.NavigateTo(uri, replace: true);
    }

    /// <summary>A parameter of the current address, or null when it is absent or empty.</summary>
    public static string? QueryValue(this NavigationManager navigation, string name) =>
        QueryHelpers.ParseQuery(navigation.ToAbsoluteUri(navigation.Uri).Query).TryGetValue(name, out var value)
        && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    public static Guid? QueryGuid(this NavigationManager navigation, string name) =>
        Guid.TryParse(navigation.QueryValue(name), out var id) ? id : null;

    /// <summary>Tabs are named in the address ("?tab=audit"); the first tab is the default and leaves the parameter out.</summary>
    public static int TabIndex(string? tab, IReadOnlyList<string> names) => tab is null ? 0 : Math.Max(0, names.ToList().IndexOf(tab));

    public static void KeepTab(this NavigationManager navigation, int index, IReadOnlyList<string> names) =>
        navigation.KeepInAddress(new Dictionary<string, object?> { ["tab"] = index <= 0 || index >= names.Count ? null : names[index] });
}
