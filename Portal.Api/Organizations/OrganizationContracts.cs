using Portal.Data.Organizations;

namespace Portal.Api.Organizations;

public sealed record AllianceRef(Guid Id, string Name);

public sealed record OrganizationDto(
    Guid Id,
    string Name,
    OrganizationKind Kind,
    string Country,
    string? Website,
    string? Description,
    IReadOnlyList<AllianceRef> Alliances,
    int MemberCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    uint Version);

/// <summary>
/// Create and update body. Fields are loosely typed on purpose so that every problem comes back as
/// a field-level message rather than a JSON binding failure.
/// </summary>
public sealed record OrganizationInput
{
    public string? Name { get; init; }
    public string? Kind { get; init; }
    public string? Country { get; init; }
    public string? Website { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Guid>? AllianceIds { get; init; }

    /// <summary>On update: the version that was read; a newer version in the database answers 409.</summary>
    public uint? Version { get; init; }
}

/// <summary>List filters, shared by the list, the CSV export and the UI.</summary>
public sealed record OrganizationQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }

    /// <summary>name, kind, country, created or updated; prefix with '-' for descending.</summary>
    public string? Sort { get; init; }

    /// <summary>Searches name, description and website.</summary>
    public string? Q { get; init; }
    public string? Kind { get; init; }
    public string? Country { get; init; }
    public Guid? Alliance { get; init; }
}
