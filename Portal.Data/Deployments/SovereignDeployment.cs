using Portal.Data.Audit;
using Portal.Data.Organizations;
using Portal.Data.Publishing;
using Portal.Data.Skus;

namespace Portal.Data.Deployments;

/// <summary>A sovereign AI datacenter project: a site, its power, its hardware bill and its milestones.</summary>
public sealed class SovereignDeployment : IAudited, IPublishable
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }
    public string? Region { get; set; }
    public string? Site { get; set; }
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }

    /// <summary>The ministry (an organisation of kind ministry) whose members edit the deployment.</summary>
    public Guid? MinistryId { get; set; }
    public Organization? Ministry { get; set; }
    public DeploymentStatus Status { get; set; }
    public double? PlannedMw { get; set; }
    public double? InstalledMw { get; set; }

    /// <summary>Names from <see cref="EnergySources.All"/>.</summary>
    public List<string> EnergySources { get; set; } = [];
    public decimal? BudgetAmount { get; set; }

    /// <summary>ISO 4217, upper case; set exactly when <see cref="BudgetAmount"/> is.</summary>
    public string? BudgetCurrency { get; set; }
    public List<string> SourceUrls { get; set; } = [];
    public string? Notes { get; set; }

    /// <summary>The requirement profile its accelerators are held to, if any (Profiles.RequirementProfile).</summary>
    public Guid? RequirementProfileId { get; set; }
    public List<DeploymentParticipant> Participants { get; set; } = [];
    public List<HardwareLine> HardwareLines { get; set; } = [];
    public List<Milestone> Milestones { get; set; } = [];

    /// <summary>Kept by PostgreSQL (<see cref="DeploymentFigures"/>); read it, never write it.</summary>
    public DeploymentFigures? Figures { get; set; }

    /// <summary>Public by default. A private or embargoed deployment is seen by its ministry's and participants' members and consortium admins.</summary>
    public Publication Publication { get; set; } = Publication.Public;
    public DateTimeOffset? EmbargoUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL's xmin, used as an optimistic concurrency token.</summary>
    public uint Version { get; set; }

    string IAudited.AuditId => Id.ToString();
}

/// <summary>An organisation taking part in a deployment; operators edit it with the ministry.</summary>
public sealed class DeploymentParticipant : IAuditedPart
{
    public Guid DeploymentId { get; set; }
    public SovereignDeployment Deployment { get; set; } = null!;
    public Guid OrganizationId { get; set; }
    public Organization Organization { get; set; } = null!;
    public ParticipantRole Role { get; set; }

    string IAudited.AuditId => DeploymentId.ToString();
    string IAuditedPart.OwnerType => nameof(SovereignDeployment);
    string IAuditedPart.PartLabel => $"Participant {OrganizationId} ({Naming.ToSnakeCase(Role.ToString())})";
}

/// <summary>One SKU in a deployment's hardware bill.</summary>
public sealed class HardwareLine : IAuditedPart
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DeploymentId { get; set; }
    public SovereignDeployment Deployment { get; set; } = null!;
    public Guid SkuId { get; set; }
    public HardwareSku Sku { get; set; } = null!;
    public int PlannedUnits { get; set; }
    public int InstalledUnits { get; set; }
    public uint Version { get; set; }

    string IAudited.AuditId => DeploymentId.ToString();
    string IAuditedPart.OwnerType => nameof(SovereignDeployment);
    string IAuditedPart.PartLabel => $"Hardware line {Id}";
}

public sealed class Milestone : IAuditedPart
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid DeploymentId { get; set; }
    public SovereignDeployment Deployment { get; set; } = null!;
    public DateOnly Date { get; set; }
    public required string Title { get; set; }
    public MilestoneStatus Status { get; set; }
    public string? Note { get; set; }
    public uint Version { get; set; }

    string IAudited.AuditId => DeploymentId.ToString();
    string IAuditedPart.OwnerType => nameof(SovereignDeployment);
    string IAuditedPart.PartLabel => $"Milestone {Id}";
}

public enum DeploymentStatus
{
    Announced,
    Planned,
    UnderConstruction,
    Operational,
    Paused,
    Cancelled,
}

public enum ParticipantRole
{
    Operator,
    Builder,
    Supplier,
    Energy,
    Investor,
}

public enum MilestoneStatus
{
    Planned,
    Done,
    Slipped,
}

public static class EnergySources
{
    public static readonly IReadOnlyList<string> All =
        ["grid", "solar", "onshore_wind", "offshore_wind", "hydro", "nuclear", "gas", "other"];
}
