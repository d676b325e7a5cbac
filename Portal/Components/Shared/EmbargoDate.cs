namespace Portal.Components.Shared;

/// <summary>The forms pick an embargo's day; the record turns public at the start of that day, UTC.</summary>
public static class EmbargoDate
{
    public static DateTimeOffset? ToInput(string publication, DateTime? day) =>
        publication == "embargoed" && day is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)) : null;
}
