namespace Portal.Api.Skus;

/// <summary>
/// How a SKU's device-name patterns map agents' devices. A pattern is its vendor's word about its own hardware, so it maps
/// only devices of agents the vendor operates, or the consortium's own (which runs verified agents on partners' hardware);
/// any other organisation's device stays unmapped until an admin maps it by hand. A pattern must name a product, not a letter:
/// it needs <see cref="MinimumLettersOrDigits"/> letters or digits.
/// </summary>
public static class DeviceNamePatterns
{
    public const int MinimumLettersOrDigits = 4;

    public static bool IsSpecific(string pattern) => pattern.Count(char.IsLetterOrDigit) >= MinimumLettersOrDigits;
}
