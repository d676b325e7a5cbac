using Portal.Api.Deployments;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Components.Deployments;

/// <summary>The editable state of the deployment form, turned into the API's input on save.</summary>
public sealed class DeploymentFormModel
{
    public sealed class Participant
    {
        public OrganizationRef? Organization { get; set; }
        public string Role { get; set; } = Naming.ToSnakeCase(ParticipantRole.Operator);
    }

    public string? Name { get; set; }
    public string? Country { get; set; }
    public string? Region { get; set; }
    public string? Site { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public Guid? MinistryId { get; set; }
    public string? Status { get; set; } = Naming.ToSnakeCase(DeploymentStatus.Planned);
    public string Publication { get; set; } = "public";

    /// <summary>The day (UTC) an embargoed deployment turns public.</summary>
    public DateTime? EmbargoUntil { get; set; }
    public double? PlannedMw { get; set; }
    public double? InstalledMw { get; set; }
    public List<string> EnergySources { get; set; } = [];
    public decimal? BudgetAmount { get; set; }
    public string? BudgetCurrency { get; set; }
    public List<Participant> Participants { get; set; } = [];

    /// <summary>One address a line.</summary>
    public string? SourceUrls { get; set; }
    public string? Notes { get; set; }
    public uint? Version { get; set; }

    public static DeploymentFormModel From(DeploymentDto dto) => new()
    {
        Name = dto.Name,
        Country = dto.Country,
        Region = dto.Region,
        Site = dto.Site,
        Latitude = dto.Latitude,
        Longitude = dto.Longitude,
        MinistryId = dto.Ministry?.Id,
        Status = Naming.ToSnakeCase(dto.Status),
        Publication = Naming.ToSnakeCase(dto.Publication.State),
        EmbargoUntil = dto.Publication.EmbargoUntil?.UtcDateTime.Date,
        PlannedMw = dto.PlannedMw,
        InstalledMw = dto.InstalledMw,
        EnergySources = [.. dto.EnergySources],
        BudgetAmount = dto.Budget?.Amount,
        BudgetCurrency = dto.Budget?.Currency,
        Participants = dto.Participants
            .Select(p => new Participant { Organization = new OrganizationRef(p.OrganizationId, p.OrganizationName, p.Country), Role = Naming.ToSnakeCase(p.Role) })
            .ToList(),
        SourceUrls = string.Join('\n', dto.SourceUrls),
        Notes = dto.Notes,
        Version = dto.Version,
    };

    public DeploymentInput ToInput() => new()
    {
        Name = Name,
        Country = Country,
        Region = Region,
        Site = Site,
        Latitude = Latitude,
        Longitude = Longitude,
        MinistryId = MinistryId,
        Status = Status,
        Publication = Publication,
        EmbargoUntil = Shared.EmbargoDate.ToInput(Publication, EmbargoUntil),
        PlannedMw = PlannedMw,
        InstalledMw = InstalledMw,
        EnergySources = EnergySources,
        Budget = BudgetAmount is null && string.IsNullOrWhiteSpace(BudgetCurrency) ? null : new BudgetInput { Amount = BudgetAmount, Currency = BudgetCurrency },
        Participants = Participants.Select(p => new ParticipantInput { OrganizationId = p.Organization?.Id, Role = p.Role }).ToList(),
        SourceUrls = (SourceUrls ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Notes = Notes,
        Version = Version,
    };
}
