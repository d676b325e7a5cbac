using System.Globalization;
using Portal.Api.Common;
using Portal.Api.Sources;

namespace Portal.Components.Sources;

/// <summary>How a figure's name and its source read, in the page's language.</summary>
public static class SourceLabels
{
    public static string Figure(string figure) => Localized<SourcePageText>.Find("Figure_" + figure) ?? figure;

    /// <summary>The hover text of a sourced figure: "Source: …, 2026-01-15. Note".</summary>
    public static string Describe(FigureSourceDto source)
    {
        var text = source.Date is { } date
            ? Localized<SourcePageText>.Format("SourceDated", source.Reference, date.ToString("d", CultureInfo.CurrentCulture))
            : Localized<SourcePageText>.Format("SourceUndated", source.Reference);
        return source.Note is { } note ? $"{text} {note}" : text;
    }
}
