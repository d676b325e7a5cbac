namespace Portal.Api.Alliances;

public sealed record AllianceDto(Guid Id, string Name, string? Description, int OrganizationCount, DateTimeOffset CreatedAt, uint Version);

public sealed record AllianceInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public uint? Version { get; init; }
}

public sealed record AllianceQuery
{
    public int? Page { get; init; }
    public int? PageSize { get; init; }
    public string? Q { get; init; }
}
