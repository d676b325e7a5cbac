namespace Portal.Data.Organizations;

/// <summary>What an organisation does in the consortium; stored and serialised in snake_case.</summary>
public enum OrganizationKind
{
    ModelDeveloper,
    ChipDesigner,
    Foundry,
    MemoryMaker,
    DatacenterOperator,
    Energy,
    Ministry,
    Research,
    Consortium,
}
