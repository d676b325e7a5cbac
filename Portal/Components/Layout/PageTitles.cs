using Portal.Api.Common;

namespace Portal.Components.Layout;

public static class PageTitles
{
    /// <summary>The browser tab's title for a page, e.g. "Organisations · Consortium Portal", in the current culture.</summary>
    public static string Of(string page) => Localized<LayoutText>.Format("TitleFormat", page);
}
