using System.Collections.Frozen;
using System.Globalization;

namespace Portal.Components.Shared;

/// <summary>
/// Dates, numbers and money as the person's chosen culture writes them. Times are shown in UTC, as
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

    /// <summary>
    /// An amount in an ISO 4217 currency, with that currency's own symbol and decimals (₩ and none
    /// for KRW, $ and two for USD) in the current culture's grouping and pattern.
    /// </summary>
    public static string Money(decimal amount, string currency)
    {
        var format = (NumberFormatInfo)CultureInfo.CurrentCulture.NumberFormat.Clone();
        if (CurrencyFormats.TryGetValue(currency.ToUpperInvariant(), out var native))
        {
            format.CurrencySymbol = native.CurrencySymbol;
            format.CurrencyDecimalDigits = native.CurrencyDecimalDigits;
        }
        else
        {
            format.CurrencySymbol = currency.ToUpperInvariant() + " ";
        }
        return amount.ToString("C", format);
    }

    // Each currency's symbol and decimals as a culture of its own region writes them (ko-KR for KRW),
    // preferring an English one where there are several (en-US for USD).
    private static readonly FrozenDictionary<string, NumberFormatInfo> CurrencyFormats = CultureInfo
        .GetCultures(CultureTypes.SpecificCultures)
        .Select(c => (Culture: c, Region: TryRegion(c)))
        .Where(c => c.Region is not null)
        .GroupBy(c => c.Region!.ISOCurrencySymbol, StringComparer.Ordinal)
        .ToFrozenDictionary(
            g => g.Key,
            g => g.Select(c => c.Culture).OrderBy(c => c.TwoLetterISOLanguageName == "en" ? 0 : 1).ThenBy(c => c.Name, StringComparer.Ordinal).First().NumberFormat,
            StringComparer.Ordinal);

    private static RegionInfo? TryRegion(CultureInfo culture)
    {
        try
        {
            return new RegionInfo(culture.Name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
