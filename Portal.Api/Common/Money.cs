using System.Globalization;

namespace Portal.Api.Common;

/// <summary>Amounts with their ISO 4217 currency, written for a culture: ₩2,500,000,000,000, $1,250.00, GBP 300.00.</summary>
public static class Money
{
    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["KRW"] = "₩",
        ["USD"] = "$",
        ["EUR"] = "€",
        ["JPY"] = "¥",
    };

    /// <summary>Formats in <paramref name="culture"/> (the current culture when null).</summary>
    public static string Format(decimal amount, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var digits = Currencies.Decimals(currency);
        if (!Symbols.TryGetValue(currency, out var symbol))
            return currency + " " + amount.ToString("N" + digits, culture);

        // The culture decides where the symbol goes and how negatives look; only the symbol is ours.
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = symbol;
        format.CurrencyDecimalDigits = digits;
        return amount.ToString("C", format);
    }
}
