using Portal.Api.Common;
using Portal.Data.Organizations;

namespace Portal.Components.Organizations;

/// <summary>How organisation enums read to a person, in the current UI culture; the API keeps their snake_case values.</summary>
public static class OrganizationLabels
{
    public static string Kind(OrganizationKind kind) => Localized<OrganizationPageText>.Get($"Kind.{kind}");

    public static string Role(MemberRole role) => Localized<OrganizationPageText>.Get($"Role.{role}");

    public static string JoinStatus(JoinRequestStatus status) => Localized<OrganizationPageText>.Get($"JoinStatus.{status}");
}
