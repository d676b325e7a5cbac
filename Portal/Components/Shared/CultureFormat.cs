using System.Globalization;

namespace Portal.Components.Shared;

/// <summary>
/// Dates and numbers as the person's chosen culture writes them. Times are shown in UTC, as
/// stored, and the pages say so. The API's JSON and CSV stay culture-invariant.
/// </summary>
public static class CultureFormat
{
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("d", CultureInfo.CurrentCulture);

    public static string Date(DateOnly value) => value.ToString("d", CultureInfo.CurrentCulture);

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("g", CultureInfo.CurrentCulture);

    public static string TimeWithSeconds(DateTimeOffset value) => value.UtcDateTime.ToString("G", CultureInfo.CurrentCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Number(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.CurrentCulture);
}
