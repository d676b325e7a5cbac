using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Portal.Startup;

/// <summary>
/// English and Korean: a remembered choice (the culture cookie) wins, then the browser's
/// Accept-Language, then English.
/// </summary>
public static class PortalCultures
{
    public static readonly IReadOnlyList<string> Supported = ["en", "ko"];
    public const string Default = "en";

    public static void Configure(RequestLocalizationOptions options)
    {
        var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
        options.DefaultRequestCulture = new RequestCulture(Default);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }
}
