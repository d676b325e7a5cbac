using Portal.Data.Organizations;

namespace Portal.Components.Organizations;

/// <summary>How organisation enums read to a person.</summary>
public static class OrganizationLabels
{
    public static string Kind(OrganizationKind kind) => kind switch
    {
        OrganizationKind.ModelDeveloper => "Model developer",
        OrganizationKind.ChipDesigner => "Chip designer",
        OrganizationKind.Foundry => "Foundry",
        OrganizationKind.MemoryMaker => "Memory maker",
        OrganizationKind.DatacenterOperator => "Datacenter operator",
        OrganizationKind.Energy => "Energy",
        OrganizationKind.Ministry => "Ministry",
        OrganizationKind.Research => "Research",
        OrganizationKind.Consortium => "Consortium",
        _ => kind.ToString(),
    };

    public static string Role(MemberRole role) => role switch
    {
        MemberRole.Admin => "Admin",
        MemberRole.Developer => "Developer",
        _ => "Member",
    };
}
