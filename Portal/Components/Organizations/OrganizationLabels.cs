using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Components.Organizations;

/// <summary>How organisation enums read to a person, in the current UI culture; the API keeps their snake_case values.</summary>
public static class OrganizationLabels
{
    public static string Kind(OrganizationKind kind) => Localized<OrganizationPageText>.Get($"Kind.{kind}");

    public static string Role(MemberRole role) => Localized<OrganizationPageText>.Get($"Role.{role}");

    public static string JoinStatus(JoinRequestStatus status) => Localized<OrganizationPageText>.Get($"JoinStatus.{status}");

    /// <summary>A kind as the pickers hold it (snake_case), for their input: "memory_maker" → "Memory maker".</summary>
    public static string? KindOf(string? value) =>
        Naming.TryParseSnakeCase<OrganizationKind>(value, out var kind) ? Kind(kind) : value;

    /// <summary>A country code as the pickers show it: "KR" → "South Korea (KR)", "대한민국 (KR)".</summary>
    public static string? Country(string? code) => code is null ? null : $"{Countries.Display(code)} ({code})";
}
