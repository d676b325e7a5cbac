using Portal.Api.Common;

namespace Portal.Components.Operations;

/// <summary>How long something has waited, in the largest units that say it: 42 s, 7 min, 3 h 12 min, 2 d 5 h.</summary>
public static class QueueAge
{
    public static string Format(double? seconds)
    {
        if (seconds is not { } s)
            return "—";
        var span = TimeSpan.FromSeconds(Math.Max(0, s));
        return span.TotalMinutes < 1 ? Localized<OperationsPageText>.Format("AgeSeconds", (int)span.TotalSeconds)
            : span.TotalHours < 1 ? Localized<OperationsPageText>.Format("AgeMinutes", (int)span.TotalMinutes)
            : span.TotalDays < 1 ? Localized<OperationsPageText>.Format("AgeHours", (int)span.TotalHours, span.Minutes)
            : Localized<OperationsPageText>.Format("AgeDays", (int)span.TotalDays, span.Hours);
    }
}
