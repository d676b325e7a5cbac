using System.Collections.Frozen;

namespace Portal.Api.Common;

/// <summary>ISO 4217 alphabetic codes of the currencies in use (funds and precious metals left out).</summary>
public static class Currencies
{
    private const string Codes =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

    public static readonly FrozenSet<string> All = Codes.Split(' ').ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Currencies whose minor unit is not used in practice: amounts show no decimals.</summary>
    private static readonly FrozenSet<string> WithoutMinorUnit =
        new[] { "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF" }
            .ToFrozenSet(StringComparer.Ordinal);

    public static bool IsValid(string? code) => code is not null && All.Contains(code);

    public static int Decimals(string code) => WithoutMinorUnit.Contains(code) ? 0 : 2;
}
