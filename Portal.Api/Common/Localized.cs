using System.Globalization;
using System.Resources;

namespace Portal.Api.Common;

/// <summary>
/// Texts from the resource files beside <typeparamref name="TResources"/> (English by default,
/// <c>.ko.resx</c> for Korean) in the current UI culture, which request localisation sets per
/// request and per Blazor circuit. Rules and services use this; pages may use IStringLocalizer.
/// </summary>
public static class Localized<TResources>
{
    private static readonly ResourceManager Resources = new(typeof(TResources));

    public static string Get(string key) =>
        Resources.GetString(key, CultureInfo.CurrentUICulture)
        ?? throw new InvalidOperationException($"{typeof(TResources).Name}.resx has no text '{key}'.");

    public static string Format(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, Get(key), args);

    /// <summary>The text for a key that may have none (e.g. a label for a value added later); null then.</summary>
    public static string? Find(string key) => Resources.GetString(key, CultureInfo.CurrentUICulture);
}
