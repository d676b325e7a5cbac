using System.Globalization;
using Portal.Api.Common;
using Portal.Api.Skus;
using Portal.Data.Deployments;
using Portal.Data.Skus;

namespace Portal.Components.Skus;

/// <summary>How SKU fields, choices and figures read to a person, in the current language and number format.</summary>
public static class SkuLabels
{
    public static string Field(string key) => SkuValidator.Label(key);

    public static string Category(SkuCategory category) => Localized<SkuText>.Get($"Category_{category}");

    public static string Lifecycle(SkuLifecycle lifecycle) => Localized<SkuText>.Get($"Lifecycle_{lifecycle}");

    public static string DeploymentStatus(DeploymentStatus status) => Localized<SkuPageText>.Get($"DeploymentStatus_{status}");

    /// <summary>A spec figure, or a dash when the vendor has not published it.</summary>
    public static string Figure(double? value) => value?.ToString("#,##0.##", CultureInfo.CurrentCulture) ?? "—";

    public static string Units(int value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>"2024-03" as the culture writes a month (March 2024, 2024년 3월).</summary>
    public static string Month(string? month) =>
        month is not null && SkuValidator.ParseMonth(month) is { } date
            ? date.ToString("Y", CultureInfo.CurrentCulture)
            : "—";
}
