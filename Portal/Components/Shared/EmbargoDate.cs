namespace Portal.Components.Shared;

/// <summary>The forms pick an embargo's day; the record turns public at the start of that day, UTC.</summary>
public static class EmbargoDate
{
    public static DateTimeOffset? ToInput(string publication, DateTime? day) => publication == "embargoed" ? StartOf(day) : null;

    /// <summary>A private test's embargo: the day its source and results turn public, if its owner picked one.</summary>
    public static DateTimeOffset? ToTestInput(string visibility, DateTime? day) => visibility == "private" ? StartOf(day) : null;

    private static DateTimeOffset? StartOf(DateTime? day) => day is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Utc)) : null;
}
