using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;

namespace Portal.Api.Common;

/// <summary>ISO 3166-1 alpha-2 country codes, with names for display in the current UI culture.</summary>
public static class Countries
{
    private const string Codes =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    /// <summary>Code → English name.</summary>
    public static readonly FrozenDictionary<string, string> Names = Codes
        .Split(' ')
        .ToFrozenDictionary(code => code, NameOf, StringComparer.Ordinal);

    // UI culture name → the countries named in that language.
    private static readonly ConcurrentDictionary<string, Named> ByCulture = new(StringComparer.Ordinal);

    private sealed record Named(IReadOnlyList<KeyValuePair<string, string>> Sorted, FrozenDictionary<string, string> ByCode);

    public static bool IsValid(string? code) => code is not null && Names.ContainsKey(code);

    /// <summary>The country's name in the current UI culture ("South Korea", "대한민국"); the code when unknown.</summary>
    public static string Display(string code) => InCurrentCulture().ByCode.GetValueOrDefault(code, code);

    /// <summary>Every country, named and sorted in the current UI culture, for pickers.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForDisplay() => InCurrentCulture().Sorted;

    private static Named InCurrentCulture()
    {
        var culture = CultureInfo.CurrentUICulture;
        return ByCulture.GetOrAdd(culture.Name, _ =>
        {
            var english = culture.TwoLetterISOLanguageName == "en";
            var names = Names.ToDictionary(c => c.Key, c => english ? c.Value : LocalName(c.Key, culture) ?? c.Value, StringComparer.Ordinal);
            var sorted = names.OrderBy(c => c.Value, StringComparer.Create(culture, ignoreCase: true)).ToList();
            return new Named(sorted, names.ToFrozenDictionary(StringComparer.Ordinal));
        });
    }

    private static string NameOf(string code)
    {
        try
        {
            return new RegionInfo(code).EnglishName;
        }
        catch (ArgumentException)
        {
            return code;
        }
    }

    /// <summary>
    /// ICU names regions in the UI language only as part of a locale's display name ("영어(대한민국)"),
    /// not through RegionInfo, so the region is read out of the English locale of that country.
    /// </summary>
    private static string? LocalName(string code, CultureInfo uiCulture)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = uiCulture;
            // A fresh instance: a cached one would keep the display name of the first UI culture that asked.
            var display = new CultureInfo("en-" + code).DisplayName;
            var open = display.IndexOf('(', StringComparison.Ordinal);
            var close = display.LastIndexOf(')');
            return open >= 0 && close > open + 1 ? display[(open + 1)..close] : null;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
