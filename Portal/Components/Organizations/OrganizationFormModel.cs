using Portal.Api.Organizations;
using Portal.Data;

namespace Portal.Components.Organizations;

/// <summary>The editable state of the organisation form, turned into the API's input on save.</summary>
public sealed class OrganizationFormModel
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Country { get; set; }
    public string? Website { get; set; }
    public string? Description { get; set; }
    public List<Guid> AllianceIds { get; set; } = [];
    public uint? Version { get; set; }

    public static OrganizationFormModel From(OrganizationDto dto) => new()
    {
        Name = dto.Name,
        Kind = Naming.ToSnakeCase(dto.Kind),
        Country = dto.Country,
        Website = dto.Website,
        Description = dto.Description,
        AllianceIds = dto.Alliances.Select(a => a.Id).ToList(),
        Version = dto.Version,
    };

    public OrganizationInput ToInput() => new()
    {
        Name = Name,
        Kind = Kind,
        Country = Country,
        Website = Website,
        Description = Description,
        AllianceIds = AllianceIds,
        Version = Version,
    };
}
