using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Startup;

/// <summary>
/// English and Korean: a link's <c>?lang=</c> wins (a shared address reproduces the view in its language), then a remembered
/// choice (the culture cookie), then the browser's Accept-Language, then English.
/// </summary>
public static class PortalCultures
{
    public static readonly IReadOnlyList<string> Supported = ["en", "ko"];
    public const string Default = "en";

    /// <summary>The query key of a page's language: <c>/skus/…?lang=ko</c>.</summary>
    public const string QueryKey = "lang";

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
            new QueryStringRequestCultureProvider { QueryStringKey = QueryKey, UIQueryStringKey = QueryKey },
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }

    /// <summary>The supported culture <paramref name="culture"/> names, as the portal spells it; null for any other.</summary>
    public static string? Find(string? culture) =>
        Supported.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase));

    /// <summary>Remembers a language in ASP.NET Core's culture cookie for a year.</summary>
    public static void Remember(HttpContext context, string culture, DateTimeOffset now) =>
        context.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Path = "/",
                Expires = now.AddYears(1),
                IsEssential = true,
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
            });

    /// <summary>
    /// A page opened with <c>?lang=</c> remembers that language: the page's interactive circuit connects without the query, and
    /// would otherwise turn to the cookie's or the browser's language when it starts. Only pages: an API answer in the link's
    /// language sets nothing (it may be cached publicly, and a script has no circuit).
    /// </summary>
    public static IApplicationBuilder UseLanguageFromLinks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/api")
            && Find(context.Request.Query[QueryKey]) is { } culture
            && CookieRequestCultureProvider.ParseCookieValue(context.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName] ?? "")
                ?.UICultures.FirstOrDefault().Value != culture)
            Remember(context, culture, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        await next(context);
    });

    /// <summary>
    /// The address of what <paramref name="uri"/> shows, in <paramref name="culture"/>: the same path and query, with <c>lang</c>
    /// set, so that whoever opens it sees the same view in the same language.
    /// </summary>
    public static string ShareAddress(string uri, string culture)
    {
        var address = new Uri(uri);
        var query = QueryHelpers.ParseQuery(address.Query);
        query[QueryKey] = culture;
        var pairs = query.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return QueryHelpers.AddQueryString(address.GetLeftPart(UriPartial.Path), pairs);
    }
}
