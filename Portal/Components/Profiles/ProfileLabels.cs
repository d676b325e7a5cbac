using MudBlazor;
using Portal.Api.Common;
using Portal.Api.Profiles;
using Portal.Components.Shared;
using Portal.Data;

namespace Portal.Components.Profiles;

/// <summary>How a SKU's standing against a profile reads and is coloured, in the current culture.</summary>
public static class ProfileLabels
{
    public static string Badge(ProfileStanding standing, int passed, int required) => standing switch
    {
        ProfileStanding.Partial => Localized<ProfilePageText>.Format("Badge_partial", CultureFormat.Number(passed), CultureFormat.Number(required)),
        _ => Localized<ProfilePageText>.Get($"Badge_{Naming.ToSnakeCase(standing)}"),
    };

    /// <summary>The mark beside a badge whose verdicts include one from an offline bundle, and what it means.</summary>
    public static string Offline => Localized<ProfilePageText>.Get("BadgeOffline");

    public static string OfflineHint => Localized<ProfilePageText>.Get("BadgeOfflineHint");

    public static Color BadgeColor(ProfileStanding standing) => standing switch
    {
        ProfileStanding.Met => Color.Success,
        ProfileStanding.Partial => Color.Warning,
        _ => Color.Default,
    };
}
