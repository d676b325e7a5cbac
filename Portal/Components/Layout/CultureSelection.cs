using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Portal.Api.Common;
using Portal.Components.Pages.Account;
using Portal.Startup;

namespace Portal.Components.Layout;

/// <summary>
/// GET /culture?culture=ko&amp;redirectUri=/organizations: remembers the chosen language in ASP.NET Core's
/// culture cookie for a year and sends the person back to the page they were on. The full reload
/// matters: a Blazor circuit keeps the culture it started with.
/// </summary>
public static class CultureSelection
{
    public const string Path = "/culture";

    public static IEndpointConventionBuilder MapCultureSelection(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, Select).AllowAnonymous().ExcludeFromDescription();

    /// <summary>The link that switches to <paramref name="culture"/> and comes back to the current page.</summary>
    public static string Href(string culture, NavigationManager navigation) =>
        $"{Path}?culture={Uri.EscapeDataString(culture)}&redirectUri={Uri.EscapeDataString("/" + navigation.ToBaseRelativePath(navigation.Uri))}";

    /// <summary>How a language names itself ("English", "한국어"), so that anyone can find theirs.</summary>
    public static string NativeName(string culture) => CultureInfo.GetCultureInfo(culture).NativeName;

    internal static Results<RedirectHttpResult, ValidationProblem> Select(string? culture, string? redirectUri, HttpContext context, TimeProvider time)
    {
        var chosen = PortalCultures.Find(culture);
        if (chosen is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["culture"] = [Localized<LayoutText>.Format("UnknownCulture", string.Join(", ", PortalCultures.Supported))] },
                title: Localized<SharedText>.Get("InvalidFieldsTitle"));
        }
        PortalCultures.Remember(context, chosen, time.GetUtcNow());
        // Only local paths, so that a crafted link cannot send anyone elsewhere.
        return TypedResults.LocalRedirect(Login.SafeReturnUrl(redirectUri));
    }
}
